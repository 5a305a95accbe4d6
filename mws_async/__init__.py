"""mws-async: an asyncio-native client for Amazon Marketplace Web Service (MWS).

>>> from mws_async import MWSClient, Credentials, Marketplace
"""

from __future__ import annotations

__version__ = "0.1.0"

from mws_async.client import MWSClient
from mws_async.credentials import Credentials, Secret
from mws_async.deadlines import deadline
from mws_async.errors import (
    AccessDeniedError,
    AuthenticationError,
    ClientClosedError,
    ClientValidationError,
    ConfigurationError,
    ContentMD5MismatchError,
    DeadlineExceededError,
    DownloadWriteError,
    InternalServerError,
    InvalidAccessKeyIdError,
    InvalidAddressError,
    InvalidParameterError,
    MWSError,
    MWSResponseError,
    NextTokenCorruptedError,
    OutcomeUnknownError,
    PaginationLoopError,
    QuotaCostError,
    QuotaExceededError,
    RequestExpiredError,
    RequestThrottledError,
    ServiceUnavailableError,
    SignatureDoesNotMatchError,
    ThrottledError,
    TransportError,
    UnexpectedResponseError,
)
from mws_async.marketplaces import Marketplace, Region
from mws_async.retry import RetryPolicy
from mws_async.throttle import QuotaSpec, QuotaTable, Throttler
from mws_async.transport import RequestRecord

__all__ = [
    "AccessDeniedError",
    "AuthenticationError",
    "ClientClosedError",
    "ClientValidationError",
    "ConfigurationError",
    "ContentMD5MismatchError",
    "Credentials",
    "DeadlineExceededError",
    "DownloadWriteError",
    "InternalServerError",
    "InvalidAccessKeyIdError",
    "InvalidAddressError",
    "InvalidParameterError",
    "MWSClient",
    "MWSError",
    "MWSResponseError",
    "Marketplace",
    "NextTokenCorruptedError",
    "OutcomeUnknownError",
    "PaginationLoopError",
    "QuotaCostError",
    "QuotaExceededError",
    "QuotaSpec",
    "QuotaTable",
    "Region",
    "RequestExpiredError",
    "RequestRecord",
    "RequestThrottledError",
    "RetryPolicy",
    "Secret",
    "ServiceUnavailableError",
    "SignatureDoesNotMatchError",
    "ThrottledError",
    "Throttler",
    "TransportError",
    "UnexpectedResponseError",
    "__version__",
    "deadline",
]
