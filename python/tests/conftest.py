"""Fixtures: the emulator as a real process over real HTTP, and tokens from it.

The emulator is the project's `graph-profile` binary (`graph-profile emulator`).
Its path comes from GRAPH_PROFILE_BIN or the workspace's target folder; when it
is missing the tests fail, never skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import graph_profile as gp

REPO = Path(__file__).resolve().parents[2]
ADMIN = "admin@contoso.com"
ADELE = "adele.vance@contoso.com"
GUEST = "ann_fabrikam.com#EXT#@contoso.com"
if os.environ.get("GRAPH_PROFILE_TEST_INSTALLED") == "1":
    # The suite script tests the built wheel, not the source folder.
    assert "site-packages" in (gp.__file__ or ""), f"testing {gp.__file__}, not the wheel"

#: Small pages, so that every listing of a few entries crosses pages.
PAGE_SIZE = 5


def emulator_binary() -> Path:
    given = os.environ.get("GRAPH_PROFILE_BIN")
    candidates = [Path(given)] if given else [
        REPO / "target" / "debug" / "graph-profile",
        REPO / "target" / "release" / "graph-profile",
    ]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    pytest.fail(
        "the graph-profile binary is missing (build it: cargo build -p graph-profile-cli, "
        f"or set GRAPH_PROFILE_BIN); looked at {', '.join(map(str, candidates))}"
    )


@dataclass
class Emulator:
    """A running emulator and its control routes."""

    base_url: str
    process: subprocess.Popen[str]

    @property
    def graph_url(self) -> str:
        return self.base_url + "/beta"

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as answer:
            text = answer.read().decode()
        return json.loads(text) if text else None

    def token(self, user: str = ADMIN, scopes: str = "User.ReadWrite.All") -> str:
        query = urllib.parse.urlencode({"user": user, "scopes": scopes})
        token: str = self.call("GET", f"/emulator/token?{query}")["access_token"]
        return token

    def journal(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = self.call("GET", "/emulator/journal")["value"]
        return entries

    def clear_journal(self) -> None:
        self.call("DELETE", "/emulator/journal")

    def configure(self, config: dict[str, Any]) -> None:
        self.call("POST", "/emulator/config", config)


def start_emulator(*extra: str) -> Emulator:
    command = [
        str(emulator_binary()),
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--db",
        ":memory:",
        "--demo",
        *extra,
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    if not first_line.startswith("http"):
        process.kill()
        process.wait()
        pytest.fail(f"the emulator did not print its URL (got {first_line!r})")
    return Emulator(first_line.rstrip("/"), process)


def stop_emulator(emulator: Emulator) -> None:
    emulator.process.terminate()
    try:
        emulator.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        emulator.process.kill()
        emulator.process.wait()
    if emulator.process.stdout is not None:
        emulator.process.stdout.close()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    running = start_emulator("--page-size", str(PAGE_SIZE))
    yield running
    stop_emulator(running)


@pytest.fixture(autouse=True)
def no_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts and ends with an emulator that injects nothing."""
    yield
    if "emulator" in request.fixturenames:
        emulator: Emulator = request.getfixturevalue("emulator")
        emulator.configure({"inject": [], "latency": {"ms": 0, "jitterMs": 0}})


@pytest.fixture(scope="session")
def token(emulator: Emulator) -> str:
    return emulator.token()


@pytest.fixture
def client(emulator: Emulator, token: str) -> Iterator[gp.Client]:
    with gp.Client(token, graph_url=emulator.graph_url, max_retries=1, timeout=10) as made:
        yield made


@pytest.fixture
def unique() -> str:
    """A name no other test uses, to find this test's entries."""
    return f"pytest {uuid.uuid4().hex[:12]}"
