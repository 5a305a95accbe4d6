"""MWS credentials: developer access key, secret key, seller id and optional MWSAuthToken.

The secret key and the auth token are kept in :class:`Secret` wrappers whose ``repr``/``str`` never show
the value, so they stay out of logs, exception messages and formatted tracebacks.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from mws_async.errors import ConfigurationError
from mws_async.settings import type_problem

__all__ = ["ENV_ACCESS_KEY", "ENV_AUTH_TOKEN", "ENV_SECRET_KEY", "ENV_SELLER_ID", "Credentials", "Secret"]

ENV_ACCESS_KEY: Final = "MWS_ACCESS_KEY"
ENV_SECRET_KEY: Final = "MWS_SECRET_KEY"
ENV_SELLER_ID: Final = "MWS_SELLER_ID"
ENV_AUTH_TOKEN: Final = "MWS_AUTH_TOKEN"


class Secret:
    """A string that never shows itself in ``repr``, ``str`` or f-strings; read it with :meth:`reveal`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):  # bytes would fail when signing, and show in a traceback's locals
            raise ConfigurationError(f"a Secret must hold a str, got {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """Return the secret value (only for signing and sending)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        return (Secret, (self._value,))


@dataclass(frozen=True, slots=True)
class Credentials:
    """Who signs (developer access key + secret) and on whose behalf (SellerId, optional MWSAuthToken).

    >>> Credentials("AKIA", "secret", "A1SELLER")
    Credentials(access_key='AKIA', seller_id='A1SELLER', secret_key=Secret('**********'), auth_token=None)
    """

    access_key: str
    secret_key: Secret
    seller_id: str
    auth_token: Secret | None = None
    # Not a secret, but kept out of equality so two identical credential sets compare equal.
    label: str | None = field(default=None, compare=False)

    def __init__(
        self,
        access_key: str,
        secret_key: str | Secret,
        seller_id: str,
        auth_token: str | Secret | None = None,
        *,
        label: str | None = None,
    ) -> None:
        # Types first: a bytes or int key would otherwise fail on the first call (AttributeError), and a
        # bytes token would be stored bare and shown by repr. Only types are named, never values.
        wrong = [
            problem
            for problem in (
                type_problem("access_key", access_key, (str,), "a str"),
                type_problem("secret_key", secret_key, (str, Secret), "a str or Secret"),
                type_problem("seller_id", seller_id, (str,), "a str"),
                type_problem("auth_token", auth_token, (str, Secret, type(None)), "a str, Secret or None"),
                type_problem("label", label, (str, type(None)), "a str or None"),
            )
            if problem
        ]
        if wrong:
            raise ConfigurationError(f"Credentials: {'; '.join(wrong)}")
        secret = secret_key if isinstance(secret_key, Secret) else Secret(secret_key)
        problems = [
            name
            for name, value in (
                ("access_key", access_key),
                ("secret_key", secret.reveal()),
                ("seller_id", seller_id),
            )
            if _blank(value)
        ]
        if problems:
            raise ConfigurationError(f"Credentials: empty {', '.join(problems)}; all three are required")
        object.__setattr__(self, "access_key", access_key)
        object.__setattr__(self, "secret_key", secret)
        object.__setattr__(self, "seller_id", seller_id)
        if isinstance(auth_token, str):
            auth_token = Secret(auth_token)
        # A blank token is no token: sending MWSAuthToken=" " would only be refused by MWS.
        if auth_token is not None and _blank(auth_token.reveal()):
            auth_token = None
        object.__setattr__(self, "auth_token", auth_token)
        object.__setattr__(self, "label", label)

    def __repr__(self) -> str:
        return (
            f"Credentials(access_key={self.access_key!r}, seller_id={self.seller_id!r}, "
            f"secret_key={self.secret_key!r}, auth_token={self.auth_token!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials:
        """Read ``MWS_ACCESS_KEY``, ``MWS_SECRET_KEY``, ``MWS_SELLER_ID`` and optional ``MWS_AUTH_TOKEN``
        from ``environ`` (a mapping; default ``os.environ``). A variable that is blank counts as unset.

        Raises :class:`ConfigurationError` naming every missing variable.
        """
        env = _environment(environ)
        missing = [name for name in (ENV_ACCESS_KEY, ENV_SECRET_KEY, ENV_SELLER_ID) if _blank(env.get(name))]
        if missing:
            raise ConfigurationError(
                f"missing environment variable(s) {', '.join(missing)}; set them or pass Credentials(...)"
            )
        token = env.get(ENV_AUTH_TOKEN)
        return cls(
            env[ENV_ACCESS_KEY], env[ENV_SECRET_KEY], env[ENV_SELLER_ID], None if _blank(token) else token
        )

    @classmethod
    def env_configured(cls, environ: Mapping[str, str] | None = None) -> bool:
        """True when any of the credential environment variables is set (to something not blank)."""
        env = _environment(environ)
        return any(not _blank(env.get(n)) for n in (ENV_ACCESS_KEY, ENV_SECRET_KEY, ENV_SELLER_ID))


def _blank(value: object) -> bool:
    """Unset, empty or only whitespace (a string that is not text, such as bytes, is not blank)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _environment(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    if environ is None:
        return os.environ
    if not isinstance(environ, Mapping):
        raise ConfigurationError(
            f"environ must be a mapping of variable names to values (like os.environ), got "
            f"{type(environ).__name__}"
        )
    return environ
