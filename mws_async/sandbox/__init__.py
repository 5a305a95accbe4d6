"""A faithful local MWS server: signatures, timestamps, throttling, errors and a deterministic world.

>>> async with Sandbox(seed=0) as sb:                               # doctest: +SKIP
...     sb.base_url, sb.credentials, sb.world.sample_ids("ISBN", 3)

See :class:`Sandbox` for the options, :mod:`mws_async.sandbox.faults` for fault injection,
:mod:`mws_async.sandbox.auth` for what is checked (and the documented leniencies), and
:mod:`mws_async.sandbox.world` for the synthetic catalog and orders.
"""

from mws_async.sandbox.app import SandboxApp
from mws_async.sandbox.faults import Fault, Faults
from mws_async.sandbox.requestlog import RequestLog, RequestRecord
from mws_async.sandbox.server import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, SANDBOX_SELLER_ID, Sandbox, serve
from mws_async.sandbox.world import World

__all__ = [
    "SANDBOX_ACCESS_KEY",
    "SANDBOX_SECRET_KEY",
    "SANDBOX_SELLER_ID",
    "Fault",
    "Faults",
    "RequestLog",
    "RequestRecord",
    "Sandbox",
    "SandboxApp",
    "World",
    "serve",
]
