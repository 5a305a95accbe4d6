"""What every section shares: the client reference, the seller it acts for, the generic call, and the
helpers that turn a paginated operation into its ByNextToken twin."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from mws_async.credentials import Credentials
from mws_async.errors import (
    ClientValidationError,
    ConfigurationError,
    OutcomeUnknownError,
    UnexpectedResponseError,
)
from mws_async.marketplaces import Marketplace
from mws_async.operations import Operation, Pagination, Param, R
from mws_async.pagination import Paginator
from mws_async.transport import Section, check_before_retrying

if TYPE_CHECKING:
    from mws_async.client import MWSClient
    from mws_async.models.common import ServiceStatus

__all__ = [
    "SectionClient",
    "answered",
    "as_list",
    "exactly_one",
    "not_together",
    "paginated",
    "service_status",
]

T = TypeVar("T")


def answered(value: T | None, operation: Operation[Any], what: str) -> T:
    """``value``, a part MWS always puts in a successful answer to ``operation``.

    Its absence is a broken answer: after a non-idempotent call (SubmitFeed, RequestReport) MWS may have
    processed the request, so that is an :class:`~mws_async.errors.OutcomeUnknownError`, never a resend.
    """
    if value is not None:
        return value
    if operation.idempotent:
        raise UnexpectedResponseError(
            f"the answer has no {what}", status_code=200, operation=operation.action
        )
    raise OutcomeUnknownError(
        f"{operation.action}: MWS answered 200 without the {what}; it may have processed the request, so it "
        f"was not resent. {check_before_retrying(operation.action)}",
        operation=operation.action,
    )


def as_list(values: Any, operation: Operation[Any], name: str) -> Any:
    """An iterable argument read once into a list (a listing may send its filters again, e.g. to recover
    from a corrupted NextToken). None, a string, a mapping or a non-iterable is passed through unchanged:
    the operation refuses it with a typed error naming the parameter. An iterable that fails while being
    read is a :class:`~mws_async.errors.ClientValidationError` for ``operation``."""
    if (
        values is None
        or isinstance(values, (str, bytes, bytearray, Mapping))
        or not isinstance(values, Iterable)
    ):
        return values
    try:
        return list(values)
    except Exception as exc:  # the caller's iterable failed part-way: its values cannot be trusted
        problem = f"{name}: the values could not be read ({type(exc).__name__})"
    raise ClientValidationError(operation.action, [problem])


def _resolve_marketplace(marketplace: object) -> str:
    """The MarketplaceId of a :class:`Marketplace`, country code or MarketplaceId; anything else is a
    :class:`~mws_async.errors.ConfigurationError` (as an unknown code is)."""
    if not isinstance(marketplace, (Marketplace, str)):
        kind = type(marketplace).__name__
        raise ConfigurationError(
            f"a marketplace is a Marketplace, a country code or a MarketplaceId, not {kind}"
        )
    return Marketplace.resolve(marketplace).marketplace_id


class SectionClient:
    """Base of the section objects (``client.products``, ``client.orders`` ...)."""

    def __init__(self, client: MWSClient, credentials: Credentials | None = None) -> None:
        self._client = client
        self._credentials = credentials

    @property
    def client(self) -> MWSClient:
        """The client this section belongs to."""
        return self._client

    def _marketplace_id(self, marketplace: Marketplace | str | None) -> str:
        if marketplace is None:
            return self._client.marketplace.marketplace_id
        return _resolve_marketplace(marketplace)

    def _marketplace_ids(self, marketplaces: Any) -> list[str] | None:
        if marketplaces is None:
            return None
        if isinstance(marketplaces, (str, Marketplace)):
            marketplaces = [marketplaces]
        if not isinstance(marketplaces, Iterable):
            raise ConfigurationError(
                f"marketplaces must be a marketplace or a list of them, got {type(marketplaces).__name__}"
            )
        return [_resolve_marketplace(m) for m in marketplaces]

    async def _call(self, operation: Operation[R], **args: Any) -> R:
        return await self._client.call(
            operation, {k: v for k, v in args.items() if v is not None}, credentials=self._credentials
        )

    def _paginate(
        self,
        operation: Operation[Any],
        *,
        next_token: str | None = None,
        follow: bool = False,
        poll_interval: float = 60.0,
        **args: Any,
    ) -> Paginator[Any]:
        return Paginator(
            self._client,
            operation,
            {k: v for k, v in args.items() if v is not None},
            next_token=next_token,
            credentials=self._credentials,
            follow=follow,
            poll_interval=poll_interval,
        )


def paginated(
    section: Section,
    action: str,
    params: tuple[Param, ...],
    result: type[R],
    *,
    mode: Literal["next_token", "has_next", "more_results"],
    natural_id: Callable[[Any], str | None] | None,
    force_list: frozenset[str],
    checks: tuple[Callable[[Mapping[str, Any]], list[str]], ...] = (),
) -> tuple[Operation[R], Operation[R]]:
    """An operation and its ``{action}ByNextToken`` twin (which takes only ``NextToken``)."""
    twin: Operation[R] = Operation(
        section,
        f"{action}ByNextToken",
        (Param("next_token", "NextToken", required=True),),
        result,
        force_list=force_list,
    )
    first: Operation[R] = Operation(
        section,
        action,
        params,
        result,
        force_list=force_list,
        checks=checks,
        pagination=Pagination(mode, twin, natural_id=natural_id),
    )
    return first, twin


def service_status(section: Section) -> Operation[ServiceStatus]:
    """GetServiceStatus of a section."""
    from mws_async.models.common import ServiceStatus

    return Operation(section, "GetServiceStatus", (), ServiceStatus)


def exactly_one(*names: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """Rule: exactly one of ``names`` must be given."""

    def check(args: Mapping[str, Any]) -> list[str]:
        given = [n for n in names if args.get(n) is not None]
        if len(given) != 1:
            return [f"exactly one of {', '.join(names)} is required (got {', '.join(given) or 'none'})"]
        return []

    return check


def not_together(name: str, *others: str) -> Callable[[Mapping[str, Any]], list[str]]:
    """Rule: ``name`` excludes each of ``others``."""

    def check(args: Mapping[str, Any]) -> list[str]:
        if args.get(name) is None:
            return []
        clash = [o for o in others if args.get(o) is not None]
        return [f"{name} cannot be combined with {', '.join(clash)}"] if clash else []

    return check
