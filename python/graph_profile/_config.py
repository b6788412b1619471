"""Client settings: the core's ``ClientConfig`` JSON, and the sign-in adapters."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Literal, NamedTuple, Protocol, Union

from . import _native
from .errors import ConfigError

__all__ = [
    "AccessTokenLike",
    "ClientCredentials",
    "Cloud",
    "DeviceCode",
    "DeviceCodePrompt",
    "TokenCredential",
    "TokenSource",
]

#: A Microsoft cloud; it picks the Graph and sign-in hosts.
Cloud = Literal["global", "usGov", "usGovDoD", "china"]


class AccessTokenLike(Protocol):
    """What azure-identity's ``get_token`` returns: ``.token`` and ``.expires_on``."""

    @property
    def token(self) -> str: ...

    @property
    def expires_on(self) -> int: ...


class TokenCredential(Protocol):
    """An azure-identity style credential: ``get_token(*scopes)``."""

    def get_token(self, *scopes: str) -> AccessTokenLike: ...


#: A token source: a credential, or a callable returning a token string or an
#: ``AccessTokenLike``.  A callable that takes arguments gets the Graph
#: ``.default`` scope, so a credential's ``get_token`` works as it is.
TokenSource = Union[
    TokenCredential, Callable[[], "str | AccessTokenLike"], Callable[[str], "str | AccessTokenLike"]
]


# NamedTuples rather than dataclasses: `dataclasses` imports `inspect`, which alone
# would double the package's import time.


class ClientCredentials(NamedTuple):
    """App-only sign-in with a client secret (OAuth2 client credentials)."""

    tenant_id: str
    client_id: str
    client_secret: str
    #: Defaults to the Graph host's ``.default`` scope.
    scopes: Sequence[str] = ()

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(tenant_id={self.tenant_id!r}, client_id={self.client_id!r}, "
            f"client_secret='***', scopes={self.scopes!r})"
        )


class DeviceCodePrompt(NamedTuple):
    """What the user needs to finish a device code sign-in."""

    #: The code to type in.
    user_code: str
    #: Where to type it.
    verification_uri: str
    #: The service's ready-made sentence saying both.
    message: str
    #: Seconds the code stays valid.
    expires_in: float


class DeviceCode(NamedTuple):
    """Delegated sign-in with a device code; ``prompt`` shows the code to the user."""

    tenant_id: str
    client_id: str
    prompt: Callable[[DeviceCodePrompt], object]
    scopes: Sequence[str] = ()


def _takes_an_argument(function: Callable[..., Any]) -> bool:
    import inspect  # only for token callables: slow to import

    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return any(
        p.kind == inspect.Parameter.VAR_POSITIONAL
        or (p.kind in positional and p.default is inspect.Parameter.empty)
        for p in parameters
    )


def _token_callable(source: Any, scope: str) -> Callable[[], tuple[str, float | None]]:
    """Adapts a token source to what the compiled module calls: no arguments, and
    ``(token, expires_on)`` back."""
    get_token = getattr(source, "get_token", None)
    if callable(get_token) and not callable(source):
        fetch: Callable[[], Any] = lambda: get_token(scope)  # noqa: E731
    elif callable(source):
        fetch = (lambda: source(scope)) if _takes_an_argument(source) else source
    else:
        raise ConfigError(
            "token_provider must be callable or have get_token()", field="token_provider"
        )

    def call() -> tuple[str, float | None]:
        answer = fetch()
        if isinstance(answer, str):
            return answer, None
        token = getattr(answer, "token", None)
        if not isinstance(token, str):
            raise TypeError("the token provider returned neither a str nor an object with .token")
        expires_on = getattr(answer, "expires_on", None)
        return token, float(expires_on) if isinstance(expires_on, (int, float)) else None

    return call


def _prompt_callable(prompt: Callable[[DeviceCodePrompt], object]) -> Callable[..., None]:
    def call(user_code: str, verification_uri: str, message: str, expires_in: float) -> None:
        prompt(DeviceCodePrompt(user_code, verification_uri, message, expires_in))

    return call


def _setup_logging() -> None:
    import logging

    logger = logging.getLogger("graph_profile")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    _native.setup_logging()


def build_native(
    *,
    token: str | None,
    token_provider: TokenSource | None,
    client_credentials: ClientCredentials | None,
    device_code: DeviceCode | None,
    cloud: Cloud,
    graph_url: str | None,
    authority_url: str | None,
    max_retries: int | None,
    timeout: float | None,
    max_concurrency: int | None,
) -> _native.NativeClient:
    """Makes the compiled client from the keyword arguments of ``Client``."""
    given = [
        name
        for name, value in (
            ("token", token),
            ("token_provider", token_provider),
            ("client_credentials", client_credentials),
            ("device_code", device_code),
        )
        if value is not None
    ]
    if len(given) > 1:
        raise ConfigError(f"give one way to sign in, not {' and '.join(given)}", field=given[1])

    config: dict[str, Any] = {"cloud": cloud}
    if graph_url is not None:
        config["graphUrl"] = graph_url
    if authority_url is not None:
        config["authorityUrl"] = authority_url
    if max_retries is not None:
        config["retry"] = {"maxRetries": max_retries}
    if timeout is not None:
        config["timeoutMs"] = max(1, round(timeout * 1000))
    if max_concurrency is not None:
        config["maxConcurrency"] = max_concurrency

    token_callable = None
    prompt = None
    if token is not None:
        config["auth"] = {"type": "token", "token": token}
    elif client_credentials is not None:
        config["auth"] = {
            "type": "clientCredentials",
            "tenantId": client_credentials.tenant_id,
            "clientId": client_credentials.client_id,
            "clientSecret": client_credentials.client_secret,
            "scopes": list(client_credentials.scopes),
        }
    elif device_code is not None:
        config["auth"] = {
            "type": "deviceCode",
            "tenantId": device_code.tenant_id,
            "clientId": device_code.client_id,
            "scopes": list(device_code.scopes),
        }
        prompt = _prompt_callable(device_code.prompt)
    elif token_provider is not None:
        config["auth"] = {"type": "callback"}
    else:
        config["auth"] = {"type": "none"}

    try:
        text = json.dumps(config)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"the client settings cannot be written as JSON: {error}") from None
    if token_provider is not None:
        token_callable = _token_callable(token_provider, _native.default_scope(text))
    # Every client, so that logging configured after the client was made (but before
    # its first request) still gets the core's records.  Importing `logging` costs a
    # few milliseconds here, not at `import graph_profile`.
    _setup_logging()
    return _native.NativeClient(text, token_callable, prompt)
