"""Turning what a caller passes into the JSON text the compiled module takes, and back.

Nothing here judges a value: the core validates drafts and patches and names the
field.  This only refuses what cannot be written as JSON at all, naming the field
too, so a wrong value always ends in a ``ValidationError`` before any request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar

from .errors import ValidationError
from .models import _Record

R = TypeVar("R", bound=_Record)

_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
_loads = json.loads


def body(facet: str, what: str, value: object) -> str:
    """JSON text of a draft or patch: a model object of the facet, or a mapping with
    Graph's names."""
    if isinstance(value, _Record):
        if value.facet != facet:
            raise ValidationError(
                f"{facet}: a {what} of {value.facet} cannot be sent to {facet}",
                facet=facet,
                field=what,
            )
        data = value.to_dict()
    elif isinstance(value, Mapping):
        data = dict(value)
    else:
        raise ValidationError(
            f"{facet}: a {what} must be a model object or a dict, not {type(value).__name__}",
            facet=facet,
            field=what,
        )
    try:
        return _dumps(data)
    except (TypeError, ValueError):
        pass
    for name, member in data.items():
        try:
            _dumps(member)
        except (TypeError, ValueError) as error:
            raise ValidationError(
                f"{facet}.{name}: cannot be sent as JSON ({error})", facet=facet, field=str(name)
            ) from None
    raise ValidationError(f"{facet}: the {what} cannot be sent as JSON", facet=facet, field=what)


def query(
    select: Sequence[str] | None,
    filter: str | None,
    orderby: str | None,
    top: int | None,
    skip: int | None,
) -> str:
    """The core's ``ListQuery`` as JSON text."""
    if isinstance(select, str):
        select = [select]
    options: dict[str, Any] = {
        "select": list(select or ()),
        "filter": filter,
        "orderby": orderby,
        "top": top,
        "skip": skip,
    }
    try:
        return _dumps(options)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"query: {error}", field="query") from None


def select_list(select: Sequence[str] | None) -> list[str]:
    """``$select`` of a get, as the compiled module takes it."""
    if select is None:
        return []
    return [select] if isinstance(select, str) else list(select)


def entry(cls: type[R], text: str) -> R:
    """One entry from the JSON text the compiled module returns."""
    record: R = cls.from_dict(_loads(text))
    return record


def entries(cls: type[R], text: str) -> list[R]:
    """A page or a listing from JSON text."""
    from_dict = cls.from_dict
    return [from_dict(item) for item in _loads(text)]


def batch_items(
    facet: str, user: str, op: str, items: Iterable[tuple[str | None, str | None]]
) -> str:
    """A batch request list for the compiled module: ``(entry id, body JSON)`` pairs."""
    requests = []
    for entry_id, body_text in items:
        request: dict[str, Any] = {"op": op, "facet": facet, "user": user}
        if entry_id is not None:
            request["id"] = entry_id
        if body_text is not None:
            request["body"] = _loads(body_text)
        requests.append(request)
    return _dumps(requests)
