"""The asyncio client against the emulator: the same operations, awaited."""

from __future__ import annotations

import asyncio
import datetime
import time
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

import graph_profile as gp

from conftest import ADELE, ADMIN, PAGE_SIZE, Emulator
from test_client import MS_401, ms_401_draft, topedia_draft


@pytest_asyncio.fixture
async def aclient(emulator: Emulator, token: str) -> AsyncIterator[gp.AsyncClient]:
    async with gp.AsyncClient(token, graph_url=emulator.graph_url, max_retries=1) as made:
        yield made


@pytest.mark.asyncio
async def test_the_seed_scenario(aclient: gp.AsyncClient) -> None:
    certifications = aclient.certifications(ADELE)
    awards = aclient.awards(ADELE)

    certification, award = await asyncio.gather(
        certifications.create(ms_401_draft()), awards.create(topedia_draft())
    )
    assert certification.display_name == MS_401
    assert award.is_searchable is False
    assert certification.id in [e.id for e in await certifications.list()]
    assert award.id in [e.id async for e in awards]

    moved = await certifications.update(
        certification.id or "", gp.CertificationPatch(end_date=datetime.date(2028, 4, 29))
    )
    assert moved.end_date == datetime.date(2028, 4, 29)
    assert (await certifications.get(certification.id or "")).end_date == moved.end_date

    await certifications.delete(certification.id or "")
    await awards.delete(award.id or "")
    with pytest.raises(gp.NotFoundError) as raised:
        await certifications.get(certification.id or "")
    assert raised.value.status == 404 and raised.value.request_id


@pytest.mark.asyncio
async def test_pages_and_bulk(aclient: gp.AsyncClient, unique: str) -> None:
    skills = aclient.facet("skills", ADMIN)
    drafts = [gp.SkillDraft(display_name=f"{unique} {n}") for n in range(PAGE_SIZE * 2 + 1)]

    created = await skills.create_many(drafts)
    assert all(isinstance(entry, gp.Skill) for entry in created)

    sizes = [len(page) async for page in skills.pages(filter=f"startswith(displayName, '{unique}')")]
    assert sizes[0] == PAGE_SIZE and sum(sizes) == len(drafts)

    patches = {e.id or "": gp.SkillPatch(proficiency="expert") for e in created if isinstance(e, gp.Skill)}
    updated = await skills.update_many(patches)
    assert all(isinstance(e, gp.Skill) and e.proficiency == "expert" for e in updated)

    assert await skills.delete_many(list(patches)) == [None] * len(patches)
    assert await skills.list(filter=f"startswith(displayName, '{unique}')") == []


@pytest.mark.asyncio
async def test_validation_is_raised_before_any_request(
    aclient: gp.AsyncClient, emulator: Emulator
) -> None:
    emulator.clear_journal()
    with pytest.raises(gp.ValidationError) as raised:
        await aclient.awards(ADMIN).create(gp.AwardDraft(display_name="x", web_url="nope"))
    assert raised.value.field == "webUrl"
    assert emulator.journal() == []


@pytest.mark.asyncio
async def test_cancelling_the_task_cancels_the_call(
    aclient: gp.AsyncClient, emulator: Emulator
) -> None:
    emulator.configure({"latency": {"ms": 3000, "jitterMs": 0}})
    task = asyncio.ensure_future(aclient.awards(ADMIN).list())
    await asyncio.sleep(0.2)
    cancelled_at = time.monotonic()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # Ended at once, not when the slow answer came; and the client is free for more.
    assert time.monotonic() - cancelled_at < 1.0
    emulator.configure({"latency": {"ms": 0, "jitterMs": 0}})
    assert isinstance(await aclient.awards(ADMIN).list(), list)


@pytest.mark.asyncio
async def test_many_calls_at_once(aclient: gp.AsyncClient) -> None:
    results = await asyncio.gather(*(aclient.facet(f, ADMIN).list() for f in gp.FACETS))
    assert len(results) == 19


@pytest.mark.asyncio
async def test_a_closed_client_refuses_calls(emulator: Emulator, token: str) -> None:
    client = gp.AsyncClient(token, graph_url=emulator.graph_url)
    await client.close()
    with pytest.raises(gp.ConfigError):
        client.awards(ADMIN)
