"""Model classes for the 19 profile facets, built at import from the core's field table.

For every facet there are three classes, named after the entry
(``Certification``, ``Award``, ...):

* the entry itself (``Certification``): what the service returns, every field;
* the draft (``CertificationDraft``): what a create sends, the writable fields;
* the patch (``CertificationPatch``): what an update sends; a field left out stays
  :data:`UNSET` and is not sent, a field set to ``None`` is cleared.

Attributes are the snake_case form of Graph's JSON names (``issuedDate`` is
``issued_date``); ``to_dict()``/``from_dict()`` use Graph's names.  Members the
service sends that the table does not know, and values this package cannot read
as their type, are kept in ``extra`` and sent back unchanged, so nothing is lost.

The classes are made from ``graph_profile._native.facet_schema()``, the table the
core validates with, so a field is described once; ``models.pyi`` holds their
static types and is generated from the same table (``tools/gen_stubs.py``).
"""

from __future__ import annotations

import datetime as _dt
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Final

from . import _native

__all__ = ["UNSET", "AllowedAudiences", "Draft", "Entry", "Patch", "Unset"]


class AllowedAudiences(enum.Flag):
    """Who may see an entry (Graph's ``allowedAudiences`` flags).

    Written to Graph as a comma-separated string (``"contacts,organization"``).
    ``ME`` is zero: only the user.
    """

    ME = 0
    FAMILY = 1
    CONTACTS = 2
    GROUP_MEMBERS = 4
    ORGANIZATION = 8
    FEDERATED_ORGANIZATIONS = 16
    EVERYONE = 32
    UNKNOWN_FUTURE_VALUE = 64

    def to_graph(self) -> str:
        """The Graph spelling: ``"me"``, ``"organization"``, ``"contacts,organization"``."""
        if self.value == 0:
            return "me"
        return ",".join(
            _AUDIENCE_NAMES[member] for member in AllowedAudiences if member.value & self.value
        )

    @classmethod
    def from_graph(cls, text: str) -> AllowedAudiences:
        """Reads the Graph spelling; raises ``ValueError`` for a member it does not know."""
        flags = cls.ME
        for part in text.split(","):
            name = part.strip()
            member = _AUDIENCE_BY_NAME.get(name.lower())
            if member is None:
                raise ValueError(f"unknown audience {name!r}")
            flags |= member
        return flags


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_AUDIENCE_NAMES: dict[AllowedAudiences, str] = {
    member: re.sub(r"_([a-z])", lambda m: m.group(1).upper(), member.name.lower())
    for member in AllowedAudiences.__members__.values()
}
_AUDIENCE_BY_NAME: dict[str, AllowedAudiences] = {
    name.lower(): member for member, name in _AUDIENCE_NAMES.items()
}


class Unset:
    """The type of :data:`UNSET`."""

    _instance: ClassVar[Unset | None] = None

    def __new__(cls) -> Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNSET"


#: A patch field that is not sent.
UNSET: Final = Unset()


# --- Converting one field between JSON and Python ---------------------------------
#
# A reader returns the Python value or raises ValueError/TypeError when the JSON is not
# of the field's type; the caller then keeps the JSON in `extra`.  A writer passes any
# value it does not recognise through unchanged: the core validates what is sent and
# names the field, so a wrong value is refused there, before any request.


def _read_date(value: Any) -> _dt.date:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return _dt.date.fromisoformat(value)


_FRACTION = re.compile(r"\.(\d+)")


def _read_datetime(value: Any) -> _dt.datetime:
    if not isinstance(value, str):
        raise TypeError("not a string")
    try:
        # Python 3.11 reads Graph's form (`Z`, any fraction) directly.
        parsed = _dt.datetime.fromisoformat(value)
        if parsed.tzinfo is not None:
            return parsed
    except ValueError:
        pass
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    # Graph may send seven fraction digits; Python 3.10 reads at most six.
    text = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), text, count=1)
    parsed = _dt.datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("no time zone")
    return parsed


def _write_datetime(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    return value


def _write_date(value: Any) -> Any:
    if isinstance(value, _dt.datetime):
        # A datetime is a date too; refuse to drop its time quietly: let the core
        # refuse the string, naming the field.
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return value


_AUDIENCES_READ: dict[str, AllowedAudiences] = {}


def _read_audiences(value: Any) -> AllowedAudiences:
    if not isinstance(value, str):
        raise TypeError("not a string")
    flags = _AUDIENCES_READ.get(value)
    if flags is None:
        flags = AllowedAudiences.from_graph(value)
        if len(_AUDIENCES_READ) < 256:
            _AUDIENCES_READ[value] = flags
    return flags


def _write_audiences(value: Any) -> Any:
    return value.to_graph() if isinstance(value, AllowedAudiences) else value


def _read_as(*types: type) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        # bool is an int, but not a number here.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise TypeError("wrong type")
        return value

    return read


def _read_list(item_types: tuple[type, ...]) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, item_types) for v in value):
            raise TypeError("wrong type")
        return list(value)

    return read


def _write_list(value: Any) -> Any:
    return list(value) if isinstance(value, (list, tuple)) else value


def _same(value: Any) -> Any:
    return value


_CONVERTERS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "string": (_read_as(str), _same),
    "url": (_read_as(str), _same),
    "email": (_read_as(str), _same),
    "bool": (_read_as(bool), _same),
    "double": (_read_as(float, int), _same),
    "date": (_read_date, _write_date),
    "datetime": (_read_datetime, _write_datetime),
    "enum": (_read_as(str), _same),
    "string_list": (_read_list((str,)), _write_list),
    "enum_list": (_read_list((str,)), _write_list),
    "audiences": (_read_audiences, _write_audiences),
    "object": (_read_as(dict), _same),
    "object_list": (_read_list((dict,)), _write_list),
}


_PLAIN: dict[str, type] = {
    "string": str,
    "url": str,
    "email": str,
    "enum": str,
    "bool": bool,
    "double": float,
    "object": dict,
}


class _Field:
    """One field of a facet: its names and how it converts."""

    __slots__ = (
        "attr",
        "json",
        "kind",
        "members",
        "plain",
        "read",
        "read_only",
        "required",
        "write",
    )

    def __init__(
        self, json: str, kind: str, required: bool, read_only: bool, members: list[str]
    ) -> None:
        self.json = json
        self.attr = _camel_to_snake(json)
        self.kind = kind
        self.required = required
        self.read_only = read_only
        self.members = tuple(members)
        self.read, self.write = _CONVERTERS[kind]
        #: A JSON value of exactly this type is kept as it is, without a reader call.
        self.plain: type | None = _PLAIN.get(kind)


# --- The three base classes ---------------------------------------------------------


class _Record:
    """What entries, drafts and patches share: keyword construction, equality, dicts.

    The field values live in the instance ``__dict__`` under their attribute names,
    with ``extra`` beside them, so that reading a page of entries builds one dict per
    entry and nothing more.
    """

    #: The facet's collection name (``"certifications"``).
    facet: ClassVar[str]
    _fields: ClassVar[tuple[_Field, ...]] = ()
    _by_json: ClassVar[dict[str, _Field]] = {}
    _attrs: ClassVar[frozenset[str]] = frozenset()
    _blank: ClassVar[dict[str, Any]] = {}
    _missing: ClassVar[Any] = None

    extra: dict[str, Any]

    def __init__(self, **values: Any) -> None:
        state = self._blank.copy()
        extra = values.pop("extra", None)
        state.update(values)
        if len(state) != len(self._blank):
            unknown = ", ".join(sorted(values.keys() - self._attrs))
            raise TypeError(f"{type(self).__name__}() got unexpected keyword argument(s): {unknown}")
        state["extra"] = dict(extra) if extra else {}
        object.__setattr__(self, "__dict__", state)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object Graph uses, with Graph's names; ``extra`` members included."""
        out: dict[str, Any] = {}
        missing = self._missing
        state = self.__dict__
        for field in self._fields:
            value = state[field.attr]
            if value is missing:
                continue
            out[field.json] = None if value is None else field.write(value)
        for name, value in self.extra.items():
            out.setdefault(name, value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """Reads Graph's JSON object.  Nothing is refused: unknown members, and values
        not of their field's type, are kept in ``extra``."""
        state = cls._blank.copy()
        extra: dict[str, Any] = {}
        by_json = cls._by_json
        for name, value in data.items():
            field = by_json.get(name)
            if field is None:
                extra[name] = value
            elif value is None:
                state[field.attr] = None
            elif type(value) is field.plain:
                state[field.attr] = value
            else:
                try:
                    state[field.attr] = field.read(value)
                except (TypeError, ValueError):
                    extra[name] = value
        state["extra"] = extra
        record = cls.__new__(cls)
        object.__setattr__(record, "__dict__", state)
        return record

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        missing = self._missing
        state = self.__dict__
        parts = [
            f"{field.attr}={state[field.attr]!r}"
            for field in self._fields
            if state[field.attr] is not missing
        ]
        if self.extra:
            parts.append(f"extra={self.extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class Entry(_Record):
    """Base of the entry classes: one item of a facet, as the service returns it.
    Fields the service did not send are ``None``."""


class Draft(_Record):
    """Base of the draft classes: what a create sends.  Fields left out are not sent."""


class Patch(_Record):
    """Base of the patch classes: what an update sends.  Fields left out stay
    :data:`UNSET` and keep their value; ``None`` clears a field."""

    _missing: ClassVar[Any] = UNSET


# --- Building the classes from the core's table ------------------------------------

#: The entry class name of each facet; the draft and patch add ``Draft``/``Patch``.
_CLASS_NAMES: Final = {
    "account": "Account",
    "addresses": "Address",
    "anniversaries": "Anniversary",
    "awards": "Award",
    "certifications": "Certification",
    "educationalActivities": "EducationalActivity",
    "emails": "Email",
    "interests": "Interest",
    "languages": "Language",
    "names": "PersonName",
    "notes": "Note",
    "patents": "Patent",
    "phones": "Phone",
    "positions": "Position",
    "projects": "Project",
    "publications": "Publication",
    "skills": "Skill",
    "webAccounts": "WebAccount",
    "websites": "Website",
}

#: The entry class of each facet, by collection name.
ENTRY_CLASSES: dict[str, type[Entry]] = {}
#: The draft class of each facet, by collection name.
DRAFT_CLASSES: dict[str, type[Draft]] = {}
#: The patch class of each facet, by collection name.
PATCH_CLASSES: dict[str, type[Patch]] = {}


def _make_class(base: type[_Record], name: str, facet: str, fields: list[_Field]) -> type:
    namespace: dict[str, Any] = {
        "__module__": __name__,
        "__qualname__": name,
        "__doc__": f"{base.__name__} of the ``{facet}`` facet.",
        "facet": facet,
        "_fields": tuple(fields),
        "_by_json": {field.json: field for field in fields},
        "_attrs": frozenset(field.attr for field in fields),
        "_blank": {field.attr: base._missing for field in fields},
    }
    return type(name, (base,), namespace)


def _build() -> None:
    for facet, _entity_type, rows in _native.facet_schema():
        fields = [_Field(*row) for row in rows]
        writable = [field for field in fields if not field.read_only]
        name = _CLASS_NAMES[facet]
        ENTRY_CLASSES[facet] = _make_class(Entry, name, facet, fields)
        DRAFT_CLASSES[facet] = _make_class(Draft, name + "Draft", facet, writable)
        PATCH_CLASSES[facet] = _make_class(Patch, name + "Patch", facet, writable)
        for table in (ENTRY_CLASSES, DRAFT_CLASSES, PATCH_CLASSES):
            cls = table[facet]
            globals()[cls.__name__] = cls
            __all__.append(cls.__name__)


_build()
