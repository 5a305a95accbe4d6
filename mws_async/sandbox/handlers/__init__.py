"""Operation handlers, one module per MWS section; each exposes ``register(registry)``."""
