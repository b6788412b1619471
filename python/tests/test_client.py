"""The blocking client against the emulator: every operation, the seed scenario,
paging, batching, sign-in forms, threads, fork and Ctrl+C."""

from __future__ import annotations

import datetime
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import graph_profile as gp

from conftest import ADELE, ADMIN, GUEST, PAGE_SIZE, Emulator

MS_401 = "Microsoft Certified: Information Security Administrator Associate"


def ms_401_draft() -> gp.CertificationDraft:
    return gp.CertificationDraft(
        display_name=MS_401,
        certification_id="exam.ms-401",
        issued_date=datetime.date(2025, 4, 28),
        end_date=datetime.date(2027, 4, 29),
        allowed_audiences=gp.AllowedAudiences.ORGANIZATION,
    )


def topedia_draft() -> gp.AwardDraft:
    return gp.AwardDraft(
        display_name="Introducing Topedia Blog",
        issued_date=datetime.date(2020, 4, 1),
        allowed_audiences=gp.AllowedAudiences.EVERYONE,
        is_searchable=False,
    )


def test_the_seed_scenario(client: gp.Client) -> None:
    certifications = client.certifications(ADELE)
    awards = client.awards(ADELE)

    certification = certifications.create(ms_401_draft())
    award = awards.create(topedia_draft())

    assert certification.id and award.id
    assert certification.display_name == MS_401
    assert certification.certification_id == "exam.ms-401"
    assert certification.issued_date == datetime.date(2025, 4, 28)
    assert certification.end_date == datetime.date(2027, 4, 29)
    assert certification.allowed_audiences == gp.AllowedAudiences.ORGANIZATION
    assert award.issued_date == datetime.date(2020, 4, 1)
    assert award.allowed_audiences == gp.AllowedAudiences.EVERYONE
    assert award.is_searchable is False

    assert certification.id in [entry.id for entry in certifications.list()]
    assert award.id in [entry.id for entry in awards.list()]

    moved = certifications.update(
        certification.id, gp.CertificationPatch(end_date=datetime.date(2028, 4, 29))
    )
    assert moved.end_date == datetime.date(2028, 4, 29)
    assert moved.issued_date == datetime.date(2025, 4, 28)  # not sent, kept
    assert certifications.get(certification.id).end_date == datetime.date(2028, 4, 29)

    certifications.delete(certification.id)
    awards.delete(award.id)
    with pytest.raises(gp.NotFoundError):
        certifications.get(certification.id)
    assert award.id not in [entry.id for entry in awards.list()]


def test_every_operation_of_the_generic_accessor(client: gp.Client, unique: str) -> None:
    skills = client.facet("Skills", ADMIN)
    assert skills.facet == "skills"

    made = skills.create({"displayName": unique, "proficiency": "expert"})
    assert isinstance(made, gp.Skill)
    assert made.proficiency == "expert"

    got = skills.get(made.id or "", select=["displayName"])
    assert got.display_name == unique

    changed = skills.update(made.id or "", gp.SkillPatch(proficiency=None, categories=["rust"]))
    assert changed.to_dict().get("proficiency") is None
    assert changed.to_dict()["categories"] == ["rust"]

    assert made.id in [entry.id for entry in skills.list(filter=f"displayName eq '{unique}'")]
    skills.delete(made.id or "")
    assert made.id not in [entry.id for entry in skills]


@pytest.mark.parametrize("facet", gp.FACETS)
def test_every_facet_creates_lists_and_deletes(
    client: gp.Client, facet: str, unique: str
) -> None:
    # The smallest draft the core accepts: its required fields, from the core's table.
    from graph_profile import _native

    required = next(fields for name, _, fields in _native.facet_schema() if name == facet)
    draft = {
        name: f"{unique.replace(' ', '.')}@contoso.com" if name == "address" else unique
        for name, _, is_required, _, _ in required
        if is_required
    }
    api = client.facet(facet, ADELE)
    made = api.create(draft)
    assert made.id and made.facet == facet

    entries = api.list()
    assert made.id in [entry.id for entry in entries]
    assert all(isinstance(entry, gp.Entry) and entry.facet == facet for entry in entries)
    api.delete(made.id)
    assert made.id not in [entry.id for entry in api.list()]


def test_pages_are_fetched_as_iterated(client: gp.Client, emulator: Emulator, unique: str) -> None:
    awards = client.awards(ADELE)
    made = [awards.create(gp.AwardDraft(display_name=f"{unique} {n}")) for n in range(12)]
    emulator.clear_journal()

    pages = awards.pages(filter=f"startswith(displayName, '{unique}')")
    first = next(pages)
    assert len(first) == PAGE_SIZE
    assert len([e for e in emulator.journal() if e["method"] == "GET"]) == 1

    rest = [entry for page in pages for entry in page]
    names = sorted(entry.display_name or "" for entry in first + rest)
    assert names == sorted(entry.display_name or "" for entry in made)
    assert len(list(awards)) >= 12

    for entry in made:
        awards.delete(entry.id or "")


def test_a_guest_upn_is_addressed_correctly(client: gp.Client, unique: str) -> None:
    awards = client.awards(GUEST)
    made = awards.create(gp.AwardDraft(display_name=unique))
    assert [entry.id for entry in awards.list(filter=f"displayName eq '{unique}'")] == [made.id]
    awards.delete(made.id or "")


def test_bulk_create_and_delete_through_batching(client: gp.Client, unique: str) -> None:
    awards = client.awards(ADMIN)
    drafts: list[Any] = [gp.AwardDraft(display_name=f"{unique} {n}") for n in range(25)]
    drafts.append({"displayName": f"{unique} extra", "webUrl": "https://example.com/a"})

    created = awards.create_many(drafts)

    assert all(isinstance(entry, gp.Award) for entry in created)
    names = [entry.display_name for entry in created if isinstance(entry, gp.Award)]
    assert names == [f"{unique} {n}" for n in range(25)] + [f"{unique} extra"]

    ids = [entry.id or "" for entry in created if isinstance(entry, gp.Award)]
    assert awards.delete_many([*ids, "no-such-entry"])[:-1] == [None] * len(ids)
    assert awards.list(filter=f"startswith(displayName, '{unique}')") == []


def test_a_bad_draft_in_a_batch_is_refused_before_any_request(
    client: gp.Client, emulator: Emulator
) -> None:
    emulator.clear_journal()
    with pytest.raises(gp.ValidationError) as raised:
        client.awards(ADMIN).create_many([gp.AwardDraft(display_name="ok"), {"webUrl": "x"}])
    assert raised.value.facet == "awards"
    assert emulator.journal() == []


def test_sign_in_with_a_callable_and_with_a_credential(emulator: Emulator) -> None:
    calls: list[tuple[str, ...]] = []

    class Token:
        def __init__(self, token: str) -> None:
            self.token = token
            self.expires_on = int(time.time()) + 3600

    class Credential:
        def get_token(self, *scopes: str) -> Token:
            calls.append(scopes)
            return Token(emulator.token())

    with gp.Client(token_provider=emulator.token, graph_url=emulator.graph_url) as plain:
        assert isinstance(plain.awards(ADMIN).list(), list)
    with gp.Client(token_provider=lambda: emulator.token(), graph_url=emulator.graph_url) as bare:
        assert isinstance(bare.awards(ADMIN).list(), list)
    credential = Credential()
    with gp.Client(token_provider=credential.get_token, graph_url=emulator.graph_url) as bound:
        assert isinstance(bound.awards(ADMIN).list(), list)
    with gp.Client(token_provider=credential, graph_url=emulator.graph_url) as whole:
        assert isinstance(whole.awards(ADMIN).list(), list)
    assert calls and all(scopes == (f"{emulator.base_url}/.default",) for scopes in calls)


def test_a_failing_token_callable_is_unauthorized(emulator: Emulator) -> None:
    def broken() -> str:
        raise RuntimeError("vault is sealed")

    with gp.Client(token_provider=broken, graph_url=emulator.graph_url, max_retries=0) as client:
        with pytest.raises(gp.UnauthorizedError, match="vault is sealed"):
            client.awards(ADMIN).list()


def test_client_credentials_and_device_code_sign_in(emulator: Emulator) -> None:
    tenant = "8f5c2d3e-0b1a-4c6d-9e7f-123456789abc"
    shown: list[gp.DeviceCodePrompt] = []

    def approve(prompt: gp.DeviceCodePrompt) -> None:
        shown.append(prompt)
        emulator.call(
            "POST", "/emulator/devicecode/approve", {"user_code": prompt.user_code, "user": ADMIN}
        )

    device = gp.DeviceCode(tenant, "00000000-0000-0000-0000-00000000c11e", approve)
    with gp.Client(
        device_code=device, graph_url=emulator.graph_url, authority_url=emulator.base_url
    ) as client:
        assert isinstance(client.awards("me").list(), list)
    assert shown and shown[0].user_code and shown[0].verification_uri

    app = "00000000-0000-0000-0000-00000000c11e"
    credentials = gp.ClientCredentials(tenant, app, "demo-secret")
    assert "demo-secret" not in repr(credentials)
    settings: dict[str, Any] = {
        "graph_url": emulator.graph_url,
        "authority_url": emulator.base_url,
        "max_retries": 0,
    }
    with gp.Client(client_credentials=credentials, **settings) as client:
        assert isinstance(client.awards(ADMIN).list(), list)
        # App-only tokens may not write profiles (the emulator follows current docs).
        with pytest.raises(gp.ForbiddenError):
            client.awards(ADMIN).create(gp.AwardDraft(display_name="app-only"))
    wrong = gp.ClientCredentials(tenant, app, "not-the-secret")
    with gp.Client(client_credentials=wrong, **settings) as client:
        with pytest.raises(gp.UnauthorizedError, match="invalid_client"):
            client.awards(ADMIN).list()


def test_one_client_shared_by_threads(client: gp.Client, unique: str) -> None:
    awards = client.awards(ADMIN)

    def work(n: int) -> str:
        made = awards.create(gp.AwardDraft(display_name=f"{unique} {n}"))
        assert awards.get(made.id or "").display_name == f"{unique} {n}"
        return made.id or ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(work, range(24)))

    assert len(set(ids)) == 24
    listed = {e.id for e in awards.list(filter=f"startswith(displayName, '{unique}')")}
    assert listed == set(ids)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(awards.delete, ids))


def test_the_gil_is_released_while_waiting(client: gp.Client, emulator: Emulator) -> None:
    emulator.configure({"latency": {"ms": 400, "jitterMs": 0}})
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        client.awards(ADMIN).list()
    finally:
        done.set()
        counter.join()
    assert ticks > 50


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() exists only on POSIX")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_uses_the_package(client: gp.Client, emulator: Emulator, unique: str) -> None:
    client.awards(ADMIN).list()  # the parent's runtime and connections exist
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: exits without returning into pytest
        status = 1
        try:
            made = client.awards(ADMIN).create(gp.AwardDraft(display_name=unique))
            with gp.Client(emulator.token(), graph_url=emulator.graph_url) as fresh:
                fresh.awards(ADMIN).get(made.id or "")
            os.write(write, (made.id or "").encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    child_id = os.read(read, 200).decode()
    os.close(read)

    assert os.waitstatus_to_exitcode(status) == 0
    assert client.awards(ADMIN).get(child_id).display_name == unique
    client.awards(ADMIN).delete(child_id)


def test_ctrl_c_interrupts_a_long_call(client: gp.Client, emulator: Emulator) -> None:
    emulator.configure({"latency": {"ms": 5000, "jitterMs": 0}})
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    started = time.monotonic()
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.awards(ADMIN).list()
    finally:
        timer.cancel()
    assert time.monotonic() - started < 2.0


def test_logs_reach_the_graph_profile_logger(
    emulator: Emulator, token: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="graph_profile"):
        with gp.Client(token, graph_url=emulator.graph_url) as client:
            client.awards(ADMIN).list()
    records = [r for r in caplog.records if r.name.startswith("graph_profile")]
    assert records, "no log record from the core"
    assert all(token not in r.getMessage() for r in caplog.records)


def test_logging_configured_after_the_client_is_made_gets_the_records(
    emulator: Emulator, token: str
) -> None:
    # A fresh interpreter that has not imported logging when the client is made.
    script = f"""
import sys
import graph_profile as gp
assert "logging" not in sys.modules, "this check needs logging not imported yet"
client = gp.Client({token!r}, graph_url={emulator.graph_url!r})
import logging
logging.basicConfig(level=logging.DEBUG, stream=sys.stdout, format="%(name)s %(message)s")
client.awards("admin@contoso.com").list()
client.close()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("graph_profile")]
    assert lines, f"no record from the core: {done.stdout!r}"
    assert token not in done.stdout


def test_import_stays_light() -> None:
    # What BENCHMARKS.md's import time rests on: the heavy modules load on first use.
    script = (
        "import sys, graph_profile as gp\n"
        "heavy = {'logging', 'dataclasses', 'inspect', 'graph_profile.sync'}\n"
        "print(sorted(heavy & set(sys.modules)))\n"
        "assert gp.sync.Plan is not None\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"imported at import time: {done.stdout}"


def test_a_closed_client_refuses_calls(emulator: Emulator, token: str) -> None:
    with gp.Client(token, graph_url=emulator.graph_url) as client:
        pass
    with pytest.raises(gp.ConfigError, match="closed"):
        client.awards(ADMIN)
