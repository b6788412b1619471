"""Bulk work: the results of ``client.sync(...)`` and ``client.expiring(...)``.

The sync itself (reading the CSV or JSON rows, matching them with existing entries,
planning, writing at the service's pace, the resume journal) and the expiry report
are the core's (``graph_profile::sync``).  This module turns the call's arguments
into the core's request JSON and the core's answer into the classes below; the
names and values are the core's, in snake_case (``entryId`` is ``entry_id``).

A bad row (a bad date, a missing cell, an unknown field or user) does not raise: it
is listed in the result's ``errors`` with its line number, and the other rows go on.
A request that cannot work at all (an unknown ``format`` or ``facet``, a negative
``max_concurrency``, a CSV header without a ``user`` column) raises
:class:`~graph_profile.ValidationError` naming the field.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

from . import _native
from .errors import ValidationError
from .models import AllowedAudiences

__all__ = [
    "ApplyReport",
    "ApplyStats",
    "ApplySummary",
    "EntryKey",
    "EntryOutcome",
    "ExpiringCertification",
    "ExpiryReport",
    "FieldChange",
    "Plan",
    "PlanItem",
    "PlanSummary",
    "RowError",
    "SyncSource",
    "UnreadUser",
]

#: What a sync reads: CSV or JSON text (text holds a line break, or starts with
#: ``[`` or ``{``), a file path, or a list of entries as JSON input holds them
#: (``{"user", "facet"?, ...fields}``, Graph's field names).
SyncSource = Union[str, "os.PathLike[str]", Sequence[Mapping[str, Any]]]

_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


@dataclass(frozen=True)
class EntryKey:
    """Which existing entry a row is: the rule (``certificationId``, or field names
    joined by ``+``) and its parts as written.  ``str()`` joins the parts by ``" | "``."""

    rule: str
    parts: tuple[str, ...]

    def __str__(self) -> str:
        return " | ".join(self.parts)

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> EntryKey:
        return cls(rule=data["rule"], parts=tuple(data["parts"]))


@dataclass(frozen=True)
class RowError:
    """A row that cannot be synced: its line (CSV line with the header as line 1, the
    JSON line its object starts on, or the position in a list of entries, from 1),
    and the user, facet and field when they are known."""

    line: int
    reason: str
    user: str | None = None
    facet: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ".".join(part for part in (self.facet, self.field) if part)
        return f"line {self.line}: {where + ': ' if self.field else ''}{self.reason}"

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> RowError:
        return cls(
            line=data["line"],
            reason=data["reason"],
            user=data.get("user"),
            facet=data.get("facet"),
            field=data.get("field"),
        )


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes (a create: every field sent, ``old`` ``None``).
    Values are JSON values as Graph spells them (dates as ``"YYYY-MM-DD"``)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class PlanItem:
    """One entry of a plan.  ``line`` is ``None`` for a delete (no row describes the
    entry); ``entry_id`` is the existing entry's id (update, delete, unchanged)."""

    action: Literal["create", "update", "delete", "unchanged"]
    user: str
    facet: str
    key: EntryKey
    line: int | None = None
    entry_id: str | None = None
    changes: tuple[FieldChange, ...] = ()

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> PlanItem:
        return cls(
            action=data["action"],
            user=data["user"],
            facet=data["facet"],
            key=EntryKey._read(data["key"]),
            line=data.get("line"),
            entry_id=data.get("entryId"),
            changes=tuple(
                FieldChange(c["field"], c.get("old"), c.get("new")) for c in data.get("changes", ())
            ),
        )


@dataclass(frozen=True)
class PlanSummary:
    """Counts of a plan's items, and of its bad rows."""

    creates: int
    updates: int
    deletes: int
    unchanged: int
    bad_rows: int


@dataclass(frozen=True)
class Plan:
    """What a sync would do: every entry's action (deletes only with ``prune``) and the
    rows that cannot be synced.  A plan changes nothing."""

    summary: PlanSummary
    items: tuple[PlanItem, ...]
    #: Bad rows: from reading the input, and users the service does not know.
    errors: tuple[RowError, ...]
    prune: bool
    #: Things to know, e.g. a facet not pruned because one of its rows is bad.
    notes: tuple[str, ...]
    #: A digest of the input: a resume journal belongs to one input.
    fingerprint: str

    @classmethod
    def _read(cls, text: str) -> Plan:
        data = json.loads(text)
        return cls(
            summary=PlanSummary(**_snake(data["summary"])),
            items=tuple(PlanItem._read(item) for item in data["items"]),
            errors=tuple(RowError._read(error) for error in data["errors"]),
            prune=data["prune"],
            notes=tuple(data.get("notes", ())),
            fingerprint=data["fingerprint"],
        )


@dataclass(frozen=True)
class EntryOutcome:
    """How one entry of an apply ended.  ``error`` says why it failed or was not done;
    ``earlier_run`` marks a write an earlier, interrupted run did (from the journal);
    ``attempts`` counts the times this run sent it."""

    #: ``notDone``: not attempted (strict mode with bad rows, or interrupted first).
    outcome: Literal["created", "updated", "deleted", "unchanged", "failed", "notDone"]
    user: str
    facet: str
    key: EntryKey
    attempts: int
    line: int | None = None
    entry_id: str | None = None
    error: str | None = None
    earlier_run: bool = False

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> EntryOutcome:
        return cls(
            outcome=data["outcome"],
            user=data["user"],
            facet=data["facet"],
            key=EntryKey._read(data["key"]),
            attempts=data["attempts"],
            line=data.get("line"),
            entry_id=data.get("entryId"),
            error=data.get("error"),
            earlier_run=data.get("earlierRun", False),
        )


@dataclass(frozen=True)
class ApplySummary:
    """Counts of an apply's outcomes; ``bad_rows`` were not applied, ``earlier_run``
    of the counts were done by an earlier run."""

    created: int
    updated: int
    deleted: int
    unchanged: int
    failed: int
    not_done: int
    bad_rows: int
    earlier_run: int


@dataclass(frozen=True)
class ApplyStats:
    """How the writing went: times in milliseconds, items sent (resends included),
    items answered 429, unknown outcomes read back, the pace at the end (items/s)."""

    elapsed_ms: int
    write_ms: int
    batches: int
    items_sent: int
    throttled: int
    read_backs: int
    final_rate: float


@dataclass(frozen=True)
class ApplyReport:
    """Everything an apply did, entry by entry, and the bad rows it did not apply."""

    summary: ApplySummary
    outcomes: tuple[EntryOutcome, ...]
    errors: tuple[RowError, ...]
    notes: tuple[str, ...]
    #: The run was interrupted before it finished: run it again with the same journal.
    interrupted: bool
    stats: ApplyStats

    @property
    def succeeded(self) -> bool:
        """Every entry was written or found unchanged (bad rows aside)."""
        return self.summary.failed == 0 and self.summary.not_done == 0

    @classmethod
    def _read(cls, text: str) -> ApplyReport:
        data = json.loads(text)
        return cls(
            summary=ApplySummary(**_snake(data["summary"])),
            outcomes=tuple(EntryOutcome._read(item) for item in data["outcomes"]),
            errors=tuple(RowError._read(error) for error in data["errors"]),
            notes=tuple(data.get("notes", ())),
            interrupted=data["interrupted"],
            stats=ApplyStats(**_snake(data["stats"])),
        )


@dataclass(frozen=True)
class ExpiringCertification:
    """One certification of the report.  ``days_left`` counts from the report's
    ``as_of`` to ``end_date``: 0 on the last valid day, negative once expired."""

    user: str
    status: Literal["expired", "expiring"]
    days_left: int
    end_date: _dt.date
    display_name: str
    issuing_authority: str | None = None
    certification_id: str | None = None
    entry_id: str | None = None

    @classmethod
    def _read(cls, data: Mapping[str, Any]) -> ExpiringCertification:
        return cls(
            user=data["user"],
            status=data["status"],
            days_left=data["daysLeft"],
            end_date=_dt.date.fromisoformat(data["endDate"]),
            display_name=data["displayName"],
            issuing_authority=data.get("issuingAuthority"),
            certification_id=data.get("certificationId"),
            entry_id=data.get("entryId"),
        )


@dataclass(frozen=True)
class UnreadUser:
    """A user whose certifications could not be read, and why."""

    user: str
    reason: str


@dataclass(frozen=True)
class ExpiryReport:
    """Certifications expired or expiring within ``within_days`` of ``as_of``,
    soonest expiry first."""

    as_of: _dt.date
    within_days: int
    #: Users whose certifications were read.
    users_read: int
    certifications: tuple[ExpiringCertification, ...]
    errors: tuple[UnreadUser, ...]

    @classmethod
    def _read(cls, text: str) -> ExpiryReport:
        data = json.loads(text)
        return cls(
            as_of=_dt.date.fromisoformat(data["asOf"]),
            within_days=data["withinDays"],
            users_read=data["usersRead"],
            certifications=tuple(ExpiringCertification._read(c) for c in data["certifications"]),
            errors=tuple(UnreadUser(e["user"], e["reason"]) for e in data.get("errors", ())),
        )


def _snake(data: Mapping[str, Any]) -> dict[str, Any]:
    return {_to_snake(name): value for name, value in data.items()}


def _to_snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


# --- Requests ---------------------------------------------------------------------
#
# Only what cannot be written as the core's request is refused here, naming the
# request field; everything about the rows themselves is the core's to judge.


def sync_request(
    source: SyncSource,
    *,
    format: Literal["csv", "json"] | None,
    facet: str | None,
    prune: bool,
    strict: bool,
    journal: str | os.PathLike[str] | None,
    max_concurrency: int | None,
    max_rate: float | None,
) -> str:
    """The core's ``SyncRequest`` as JSON text."""
    if format not in (None, "csv", "json"):
        raise _invalid("format", f"must be 'csv' or 'json', not {format!r}")
    request: dict[str, Any] = {"prune": bool(prune), "strict": bool(strict)}
    if isinstance(source, (str, os.PathLike)):
        text, read_format = _read_source(source)
        request["input"] = text
        request["format"] = format or read_format
    elif isinstance(source, Sequence) and not isinstance(source, (bytes, bytearray)):
        if format == "csv":
            raise _invalid("format", "a list of entries is JSON, not CSV")
        request["entries"] = [_entry(position, row) for position, row in enumerate(source, 1)]
    else:
        raise _invalid(
            "input", f"must be text, a path or a list of entries, not {type(source).__name__}"
        )
    if facet is not None:
        request["facet"] = _native.check_facet(facet)
    if journal is not None:
        request["journal"] = os.fspath(journal)
    if max_concurrency is not None:
        request["maxConcurrency"] = _count("maxConcurrency", max_concurrency, minimum=1)
    if max_rate is not None:
        if isinstance(max_rate, bool) or not isinstance(max_rate, (int, float)) or max_rate <= 0:
            raise _invalid("maxRate", f"must be a positive number, not {max_rate!r}")
        request["maxRate"] = float(max_rate)
    return _dumps(request)


def expiry_request(
    users: str | Iterable[str] | None,
    *,
    within_days: int,
    include_expired: bool,
    as_of: _dt.date | str | None,
) -> str:
    """The core's ``ExpiryRequest`` as JSON text."""
    request: dict[str, Any] = {
        "withinDays": _count("withinDays", within_days, minimum=0),
        "includeExpired": bool(include_expired),
    }
    if users is not None:
        names = [users] if isinstance(users, str) else list(users)
        if not all(isinstance(name, str) for name in names):
            raise _invalid("users", "must be user names or object ids (str)")
        request["users"] = names
    if isinstance(as_of, _dt.datetime):
        raise _invalid("asOf", "must be a date, not a datetime")
    if isinstance(as_of, _dt.date):
        request["asOf"] = as_of.isoformat()
    elif isinstance(as_of, str):
        request["asOf"] = as_of
    elif as_of is not None:
        raise _invalid("asOf", f"must be a date, not {type(as_of).__name__}")
    return _dumps(request)


def _read_source(source: str | os.PathLike[str]) -> tuple[str, str]:
    """The input text and its format as read: text given as it is, or a file's."""
    if isinstance(source, str) and ("\n" in source or source.lstrip()[:1] in ("[", "{")):
        return source, "json" if source.lstrip()[:1] in ("[", "{") else "csv"
    path = os.fspath(source)
    # utf-8-sig: a spreadsheet's CSV often starts with a byte order mark.
    with open(path, encoding="utf-8-sig", newline="") as file:
        text = file.read()
    return text, "json" if path.lower().endswith(".json") else "csv"


def _entry(position: int, row: object) -> Any:
    """One entry of a list, as JSON: dates and audiences in Graph's spelling."""
    if not isinstance(row, Mapping):
        raise _invalid("entries", f"entry {position} must be a dict, not {type(row).__name__}")
    try:
        return json.loads(_dumps_graph(dict(row)))
    except (TypeError, ValueError) as error:
        raise _invalid("entries", f"entry {position} cannot be sent as JSON ({error})") from None


def _graph_value(value: object) -> object:
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value.isoformat()
    if isinstance(value, AllowedAudiences):
        return value.to_graph()
    raise TypeError(f"{type(value).__name__} is not JSON")


_dumps_graph = json.JSONEncoder(
    ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=_graph_value
).encode


def _count(field: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _invalid(field, f"must be an integer of at least {minimum}, not {value!r}")
    return value


def _invalid(field: str, reason: str) -> ValidationError:
    return ValidationError(f"sync request: {field}: {reason}", field=field)
