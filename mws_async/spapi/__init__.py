"""The migration path to the Selling Partner API: Product Pricing v0 on the same engine as MWS.

LWA auth (:class:`LWACredentials`, :class:`LWAAuth`), the six Pricing v0 operations as data
(:mod:`mws_async.spapi.operations`), a model for every schema of the reference
(:mod:`mws_async.spapi.models`),
the shared :class:`~mws_async.throttle.Throttler` keyed per (application, selling partner, operation), and
bulk helpers streaming :class:`~mws_async.bulk.BulkResult` like the MWS ones.
"""

from mws_async.spapi.auth import DEFAULT_TOKEN_URL, AccessToken, LWAAuth, LWACredentials
from mws_async.spapi.bulk import ItemOutcome, run_spapi_bulk
from mws_async.spapi.client import (
    ENDPOINTS,
    PricingSection,
    SPAPIClient,
    SPAPIRequestRecord,
    SPAPIResponse,
    endpoint_for,
)
from mws_async.spapi.errors import LWAError, SPAPIAuthError, SPAPIError, SPAPIServerError, SPAPIThrottledError
from mws_async.spapi.operations import OPERATIONS, USAGE_PLANS, SPAPIOperation, UsagePlan, spapi_quota_table

__all__ = [
    "DEFAULT_TOKEN_URL",
    "ENDPOINTS",
    "OPERATIONS",
    "USAGE_PLANS",
    "AccessToken",
    "ItemOutcome",
    "LWAAuth",
    "LWACredentials",
    "LWAError",
    "PricingSection",
    "SPAPIAuthError",
    "SPAPIClient",
    "SPAPIError",
    "SPAPIOperation",
    "SPAPIRequestRecord",
    "SPAPIResponse",
    "SPAPIServerError",
    "SPAPIThrottledError",
    "UsagePlan",
    "endpoint_for",
    "run_spapi_bulk",
    "spapi_quota_table",
]
