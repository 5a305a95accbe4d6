"""mws-async: an asyncio-native client for Amazon Marketplace Web Service (MWS)."""

from __future__ import annotations

__version__ = "0.1.0"
