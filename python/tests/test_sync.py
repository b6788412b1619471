"""`client.sync(...)` and `client.expiring(...)` against the emulator, blocking and
awaited: the core's sync and expiry report through the package."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

import graph_profile as gp

from conftest import ADELE, ADMIN, Emulator

MEGAN = "megan.bowen@contoso.com"
HEADER = "user,facet,displayName,issuingAuthority,issuedDate,endDate\n"


def rows_csv(unique: str, *, bad_date: bool = False) -> str:
    """Three certifications for two users; with `bad_date`, line 3's is 2024-13-02."""
    issued = "2024-13-02" if bad_date else "2024-02-01"
    return (
        HEADER
        + f"{ADELE},certifications,{unique} AZ-104,Microsoft,2024-01-02,2027-01-02\n"
        + f"{ADELE},certifications,{unique} AZ-305,Microsoft,{issued},2027-02-01\n"
        + f"{MEGAN},certifications,{unique} SC-100,Microsoft,2024-03-01,\n"
    )


def names_held(client: gp.Client, user: str, unique: str) -> list[str]:
    found = client.certifications(user).list(filter=f"startswith(displayName, '{unique}')")
    return sorted(entry.display_name or "" for entry in found)


def writes_since(emulator: Emulator) -> list[dict[str, Any]]:
    """Writes the emulator committed since its journal was last cleared."""
    return [entry for entry in emulator.journal() if entry.get("committed")]


@pytest.fixture
def tidy(client: gp.Client, unique: str) -> Iterator[None]:
    """Removes what a test's sync made, so the shared users stay small."""
    yield
    query = f"startswith(displayName, '{unique}')"
    for user in (ADELE, MEGAN, ADMIN):
        certifications = client.certifications(user)
        for certification in certifications.list(filter=query):
            certifications.delete(certification.id or "")
        awards = client.awards(user)
        for award in awards.list(filter=query):
            awards.delete(award.id or "")


def test_a_plan_changes_nothing(
    client: gp.Client, emulator: Emulator, unique: str, tidy: None
) -> None:
    emulator.clear_journal()
    plan = client.sync(rows_csv(unique), plan_only=True)

    assert isinstance(plan, gp.sync.Plan)
    assert plan.summary == gp.sync.PlanSummary(
        creates=3, updates=0, deletes=0, unchanged=0, bad_rows=0
    )
    assert [item.line for item in plan.items] == [2, 3, 4]
    first = plan.items[0]
    assert (first.action, first.user, first.facet) == ("create", ADELE, "certifications")
    assert str(first.key) == f"{unique} AZ-104 | Microsoft"
    assert {c.field: c.new for c in first.changes}["endDate"] == "2027-01-02"
    assert writes_since(emulator) == []
    assert names_held(client, ADELE, unique) == []


def test_apply_creates_and_a_second_plan_finds_all_unchanged(
    client: gp.Client, emulator: Emulator, unique: str, tidy: None
) -> None:
    emulator.clear_journal()
    report = client.sync(rows_csv(unique))
    assert len(writes_since(emulator)) == 3  # what the plans above must not do

    assert isinstance(report, gp.sync.ApplyReport)
    assert report.succeeded and not report.interrupted
    assert (report.summary.created, report.summary.failed, report.summary.bad_rows) == (3, 0, 0)
    assert all(o.outcome == "created" and o.entry_id for o in report.outcomes)
    assert names_held(client, ADELE, unique) == [f"{unique} AZ-104", f"{unique} AZ-305"]
    made = client.certifications(MEGAN).get(report.outcomes[2].entry_id or "")
    assert made.issued_date == datetime.date(2024, 3, 1) and made.end_date is None

    again = client.sync(rows_csv(unique), plan_only=True)
    assert again.summary.unchanged == 3 and again.summary.creates == 0
    assert {item.action for item in again.items} == {"unchanged"}
    assert [item.entry_id for item in again.items] == [o.entry_id for o in report.outcomes]


def test_a_bad_date_row_is_reported_by_line_and_the_good_rows_still_go(
    client: gp.Client, unique: str, tidy: None
) -> None:
    report = client.sync(rows_csv(unique, bad_date=True))

    assert [(e.line, e.user, e.facet, e.field) for e in report.errors] == [
        (3, ADELE, "certifications", "issuedDate")
    ]
    assert str(report.errors[0]).startswith("line 3: certifications.issuedDate: ")
    assert report.summary.created == 2 and report.summary.bad_rows == 1
    assert report.succeeded
    assert [o.line for o in report.outcomes] == [2, 4]
    assert names_held(client, ADELE, unique) == [f"{unique} AZ-104"]
    assert names_held(client, MEGAN, unique) == [f"{unique} SC-100"]


def test_strict_mode_applies_nothing_when_a_row_is_bad(
    client: gp.Client, emulator: Emulator, unique: str, tidy: None
) -> None:
    emulator.clear_journal()
    report = client.sync(rows_csv(unique, bad_date=True), strict=True)

    assert not report.succeeded
    assert report.summary.created == 0 and report.summary.not_done == 2
    assert all(o.outcome == "notDone" and o.error for o in report.outcomes)
    assert [e.line for e in report.errors] == [3]
    assert writes_since(emulator) == []
    assert names_held(client, ADELE, unique) == []


def test_a_list_of_entries_with_dates_and_a_default_facet(
    client: gp.Client, unique: str, tidy: None
) -> None:
    entries: list[dict[str, Any]] = [
        {"user": ADMIN, "displayName": f"{unique} Hero", "issuedDate": datetime.date(2020, 4, 1)},
        {"user": ADMIN, "displayName": f"{unique} Late", "issuedDate": "2020-02-30"},
        {
            "user": ADMIN,
            "displayName": f"{unique} Seen",
            "allowedAudiences": gp.AllowedAudiences.ORGANIZATION,
        },
    ]
    report = client.sync(entries, facet="Awards")

    assert [(e.line, e.field) for e in report.errors] == [(2, "issuedDate")]
    assert report.summary.created == 2
    held = {a.display_name: a for a in client.awards(ADMIN).list(
        filter=f"startswith(displayName, '{unique}')"
    )}
    assert held[f"{unique} Hero"].issued_date == datetime.date(2020, 4, 1)
    assert held[f"{unique} Seen"].allowed_audiences == gp.AllowedAudiences.ORGANIZATION


def test_a_json_file_with_a_journal_and_prune(
    client: gp.Client, unique: str, tidy: None, tmp_path: Path
) -> None:
    rows = [
        {"user": MEGAN, "facet": "awards", "displayName": f"{unique} One", "issuingAuthority": "A"},
        {"user": MEGAN, "facet": "awards", "displayName": f"{unique} Two", "issuingAuthority": "A"},
    ]
    source = tmp_path / "rows.json"
    source.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    journal = tmp_path / "state.jsonl"

    report = client.sync(source, journal=journal, max_concurrency=2, max_rate=20)
    assert report.summary.created == 2
    assert len(journal.read_text(encoding="utf-8").splitlines()) == 3  # start + 2 writes

    source.write_text(json.dumps(rows[:1]), encoding="utf-8")
    plan = client.sync(str(source), prune=True, plan_only=True)
    deletes = [item for item in plan.items if item.action == "delete"]
    assert plan.prune and any(str(item.key) == f"{unique} Two | A" for item in deletes)
    assert all(item.line is None and item.entry_id for item in deletes)


def test_a_malformed_request_raises_naming_the_field(
    client: gp.Client, emulator: Emulator, unique: str
) -> None:
    emulator.clear_journal()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"format": "xml"}, "format"),
        ({"facet": "badges"}, "facet"),
        ({"max_concurrency": 0}, "maxConcurrency"),
        ({"max_rate": -1}, "maxRate"),
    ]
    for options, field in cases:
        with pytest.raises(gp.ValidationError) as raised:
            client.sync(rows_csv(unique), **options)
        assert raised.value.field == field, options

    # The core judges the input: a CSV header without a `user` column cannot work.
    with pytest.raises(gp.ValidationError) as raised:
        client.sync(f"facet,displayName\ncertifications,{unique}\n", plan_only=True)
    assert raised.value.field == "user"
    with pytest.raises(gp.ValidationError) as raised:
        client.sync(42)  # type: ignore[call-overload]
    assert raised.value.field == "input"
    with pytest.raises(gp.ValidationError) as raised:
        client.expiring(ADELE, within_days=-1)
    assert raised.value.field == "withinDays"
    with pytest.raises(gp.ValidationError) as raised:
        client.expiring(ADELE, as_of="someday")  # type: ignore[arg-type]
    assert raised.value.field == "request"
    assert emulator.journal() == []


def seed_expiry(client: gp.Client, unique: str, today: datetime.date) -> None:
    """Three certifications of Adele: expiring in 10 days, expired 5 days ago, and
    valid for 100 days."""
    certifications = client.certifications(ADELE)
    for name, days in (("soon", 10), ("gone", -5), ("later", 100)):
        certifications.create(
            gp.CertificationDraft(
                display_name=f"{unique} {name}",
                issuing_authority="Microsoft",
                certification_id=f"{unique}-{name}",
                issued_date=datetime.date(2020, 1, 1),
                end_date=today + datetime.timedelta(days=days),
            )
        )


def test_expiring_finds_a_certification_expiring_within_n_days_and_an_expired_one(
    client: gp.Client, unique: str, tidy: None
) -> None:
    today = datetime.date(2026, 6, 15)
    seed_expiry(client, unique, today)

    report = client.expiring([ADELE], within_days=30, as_of=today)
    assert report.as_of == today and report.within_days == 30 and report.users_read == 1
    mine = [c for c in report.certifications if c.display_name.startswith(unique)]
    assert [(c.display_name, c.status, c.days_left) for c in mine] == [
        (f"{unique} gone", "expired", -5),
        (f"{unique} soon", "expiring", 10),
    ]
    soon = mine[1]
    assert soon.end_date == datetime.date(2026, 6, 25)
    assert soon.user == ADELE and soon.issuing_authority == "Microsoft"
    assert soon.certification_id == f"{unique}-soon" and soon.entry_id

    current = client.expiring(ADELE, within_days=30, include_expired=False, as_of=today)
    names = [c.display_name for c in current.certifications]
    assert [name for name in names if name.startswith(unique)] == [f"{unique} soon"]
    wide = client.expiring(within_days=120, as_of=today)  # the whole tenant
    assert wide.users_read >= 4
    assert len([c for c in wide.certifications if c.display_name.startswith(unique)]) == 3


def test_expiring_lists_an_unknown_user_in_errors(client: gp.Client) -> None:
    report = client.expiring(["nobody@contoso.com", ADELE])
    assert [e.user for e in report.errors] == ["nobody@contoso.com"]
    assert report.errors[0].reason
    assert report.as_of == datetime.datetime.now(datetime.timezone.utc).date()


@pytest_asyncio.fixture
async def aclient(emulator: Emulator, token: str) -> AsyncIterator[gp.AsyncClient]:
    async with gp.AsyncClient(token, graph_url=emulator.graph_url, max_retries=1) as made:
        yield made


@pytest.mark.asyncio
async def test_async_plan_apply_and_expiring(
    aclient: gp.AsyncClient, client: gp.Client, emulator: Emulator, unique: str, tidy: None
) -> None:
    emulator.clear_journal()
    plan = await aclient.sync(rows_csv(unique, bad_date=True), plan_only=True)
    assert plan.summary.creates == 2 and [e.line for e in plan.errors] == [3]
    assert writes_since(emulator) == []

    strict = await aclient.sync(rows_csv(unique, bad_date=True), strict=True)
    assert strict.summary.not_done == 2 and writes_since(emulator) == []

    report = await aclient.sync(rows_csv(unique, bad_date=True))
    assert report.summary.created == 2 and report.succeeded
    again = await aclient.sync(rows_csv(unique), plan_only=True)
    assert (again.summary.unchanged, again.summary.creates) == (2, 1)

    today = datetime.date(2026, 1, 10)
    seed_expiry(client, unique, today)
    expiry = await aclient.expiring(ADELE, within_days=30, as_of=today)
    mine = [
        (c.status, c.days_left) for c in expiry.certifications if c.display_name.startswith(unique)
    ]
    assert mine == [("expired", -5), ("expiring", 10)]

    with pytest.raises(gp.ValidationError) as raised:
        await aclient.sync(rows_csv(unique), format="xml")  # type: ignore[call-overload]
    assert raised.value.field == "format"


INTERRUPTED_APPLY = """
import sys, graph_profile as gp
token, url, csv, journal = sys.argv[1:5]
with gp.Client(token, graph_url=url) as client:
    print("applying", flush=True)
    try:
        client.sync(csv, journal=journal, max_concurrency=1)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(3)
print("finished", flush=True)
"""


def test_ctrl_c_stops_an_apply_with_its_journal(
    client: gp.Client, emulator: Emulator, token: str, unique: str, tidy: None, tmp_path: Path
) -> None:
    saved = emulator.call("GET", "/emulator/config")["throttle"]
    # One write now, then every write throttled for a long while: the apply holds.
    emulator.configure(
        {"throttle": {"writesPerSecond": 0.01, "burst": 1, "retryAfter": "seconds"}}
    )
    journal = tmp_path / "state.jsonl"
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", INTERRUPTED_APPLY, token, emulator.graph_url,
             rows_csv(unique), str(journal)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,  # the installed package, not the source folder
            env=dict(os.environ),
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "applying"
        time.sleep(2)
        started = time.monotonic()
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=20)
    finally:
        emulator.configure({"throttle": saved})

    assert child.returncode == 3, err
    assert out.strip() == "interrupted"
    assert time.monotonic() - started < 10
    done = journal.read_text(encoding="utf-8").splitlines()
    held = names_held(client, ADELE, unique) + names_held(client, MEGAN, unique)
    assert len(held) == len(done) - 1 < 3  # each finished write journaled, not all done
