"""The examples run against the emulator as a user would run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ADELE, Emulator

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.parametrize(
    "script", ["seed_certification.py", "async_listing.py", "sync_certifications.py"]
)
def test_the_example_runs(script: str, emulator: Emulator, token: str) -> None:
    env = dict(os.environ, GRAPH_TOKEN=token, GRAPH_URL=emulator.graph_url)
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / script), ADELE],
        env=env,
        capture_output=True,
        text=True,
        timeout=50,
        cwd=EXAMPLES.parent.parent,  # not python/: the installed package, not the source
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
