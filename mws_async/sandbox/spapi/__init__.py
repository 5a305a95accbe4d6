"""A local SP-API (Product Pricing v0 + LWA token endpoint) sandbox over the MWS sandbox's world.

>>> app = SPAPISandboxApp(World(seed=0))                                    # doctest: +SKIP
>>> async with serve_spapi(app) as base_url:                                # doctest: +SKIP
...     async with SPAPIClient(app.credentials(), base_url=base_url,
...                            token_url=base_url + "/auth/o2/token") as client: ...

Mount beside the MWS app by path: every path :meth:`SPAPISandboxApp.handles` (prefixes
:data:`PATH_PREFIXES`) goes to this app.
"""

from mws_async.sandbox.spapi.app import (
    PATH_PREFIXES,
    SPAPI_CLIENT_ID,
    SPAPI_CLIENT_SECRET,
    SPAPI_REFRESH_TOKEN,
    SPAPI_SELLER_ID,
    SPAPISandboxApp,
)
from mws_async.sandbox.spapi.server import serve_spapi

__all__ = [
    "PATH_PREFIXES",
    "SPAPI_CLIENT_ID",
    "SPAPI_CLIENT_SECRET",
    "SPAPI_REFRESH_TOKEN",
    "SPAPI_SELLER_ID",
    "SPAPISandboxApp",
    "serve_spapi",
]
