"""The exception tree of graph_profile: every error the package raises is a
:class:`GraphProfileError`, with the core's error kind chosen by subclass."""

from __future__ import annotations

import builtins
from typing import Any

__all__ = [
    "CancelledError",
    "ConfigError",
    "ConflictError",
    "FailedDependencyError",
    "ForbiddenError",
    "GraphProfileError",
    "NotFoundError",
    "ServiceError",
    "ThrottledError",
    "TimeoutError",
    "TransportError",
    "UnauthorizedError",
    "ValidationError",
]


class GraphProfileError(Exception):
    """Base of every error graph_profile raises.

    The attributes are ``None`` where they do not apply: a validation error has no
    HTTP status, a transport error no Graph code.
    """

    #: Graph's error code (``"Request_ResourceNotFound"``); branch on this, not the message.
    code: str | None
    #: The HTTP status of the failed answer.
    status: int | None
    #: The service's ``request-id``, to quote to Microsoft support.
    request_id: str | None
    #: The ``client-request-id`` this client sent with the failed request.
    client_request_id: str | None
    #: The facet (collection name, ``"certifications"``) a validation error is about.
    facet: str | None
    #: The field (Graph's JSON name, ``"endDate"``) a validation error is about.
    field: str | None
    #: The ``error`` object of Graph's answer, as sent.
    graph_error: dict[str, Any] | None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        client_request_id: str | None = None,
        facet: str | None = None,
        field: str | None = None,
        graph_error: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.request_id = request_id
        self.client_request_id = client_request_id
        self.facet = facet
        self.field = field
        self.graph_error = graph_error

    @property
    def message(self) -> str:
        """The message, without the ids."""
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        text = self.message
        if self.request_id is not None:
            text += f" (request-id {self.request_id})"
        return text


class ValidationError(GraphProfileError, ValueError):
    """Input refused before any request, or refused by the service as invalid.

    ``facet`` and ``field`` name what was wrong.
    """


class ConfigError(GraphProfileError, ValueError):
    """The client's configuration cannot work (bad URL, missing setting, token over
    plain http to a remote host)."""


class NotFoundError(GraphProfileError, LookupError):
    """404: the user or the entry does not exist."""


class UnauthorizedError(GraphProfileError):
    """401: no token, or one the service did not accept."""


class ForbiddenError(GraphProfileError):
    """403: the token lacks the permission."""


class ConflictError(GraphProfileError):
    """409 or 412: the entry changed or already exists."""


class ThrottledError(GraphProfileError):
    """429 (or a throttling 503) that outlasted every retry."""


class ServiceError(GraphProfileError):
    """Any other error answer of the service."""


class TransportError(GraphProfileError):
    """The connection failed or broke."""


class TimeoutError(GraphProfileError, builtins.TimeoutError):
    """No answer in time.  Also the built-in :class:`TimeoutError`."""


class CancelledError(GraphProfileError):
    """The operation was cancelled."""


class FailedDependencyError(GraphProfileError):
    """424 in a batch: a request this one depended on failed."""


_BY_KIND: dict[str, type[GraphProfileError]] = {
    "validation": ValidationError,
    "config": ConfigError,
    "not_found": NotFoundError,
    "unauthorized": UnauthorizedError,
    "forbidden": ForbiddenError,
    "conflict": ConflictError,
    "throttled": ThrottledError,
    "service": ServiceError,
    "transport": TransportError,
    "timeout": TimeoutError,
    "cancelled": CancelledError,
    "failed_dependency": FailedDependencyError,
}


def _from_native(
    kind: str,
    message: str,
    status: int | None,
    code: str | None,
    request_id: str | None,
    client_request_id: str | None,
    facet: str | None,
    field: str | None,
    graph_error: dict[str, Any] | None,
) -> GraphProfileError:
    """Builds the exception for a core error; the compiled module calls this."""
    cls = _BY_KIND.get(kind, ServiceError)
    return cls(
        message,
        code=code,
        status=status,
        request_id=request_id,
        client_request_id=client_request_id,
        facet=facet,
        field=field,
        graph_error=graph_error,
    )
