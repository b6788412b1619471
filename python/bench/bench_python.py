"""Measures the Python package for BENCHMARKS.md (issue 6) and prints a Markdown table.

Run with the venv that has the wheel and `requests` installed, from the repository
root, after building the emulator (`cargo build -p graph-profile-cli`):

    target/python-suite/venv/bin/python python/bench/bench_python.py

Everything runs against the emulator over loopback HTTP; the emulator is a separate
process, so its CPU is not counted as the client's.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import requests

import graph_profile as gp

REPO = Path(__file__).resolve().parents[2]
ADMIN = "admin@contoso.com"
REQUESTS_PER_CLIENT = 300


def emulator_binary() -> Path:
    for profile in ("release", "debug"):
        path = REPO / "target" / profile / "graph-profile"
        if path.is_file():
            return path
    sys.exit("build the emulator first: cargo build -p graph-profile-cli")


def start_emulator(binary: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [str(binary), "emulator", "--listen", "127.0.0.1:0", "--db", ":memory:", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    return process, process.stdout.readline().strip().rstrip("/")


def get_token(base: str) -> str:
    query = urllib.parse.urlencode({"user": ADMIN, "scopes": "User.ReadWrite.All"})
    with urllib.request.urlopen(f"{base}/emulator/token?{query}", timeout=10) as answer:
        token: str = json.load(answer)["access_token"]
    return token


def child_python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


IMPORT_PROBE = """
import time
def rss_kib():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
before = rss_kib()
start = time.perf_counter()
{statement}
elapsed = time.perf_counter() - start
print(elapsed, rss_kib() - before)
"""


def import_cost() -> tuple[float, float, float]:
    """Import time of `import graph_profile` in a new interpreter (median and best of 15,
    ms) and the resident memory it adds (median, MiB)."""
    runs = [
        child_python(IMPORT_PROBE.format(statement="import graph_profile")).split()
        for _ in range(15)
    ]
    times = [float(t) * 1000 for t, _ in runs]
    return statistics.median(times), min(times), statistics.median(int(m) for _, m in runs) / 1024


def draft(n: int) -> gp.CertificationDraft:
    return gp.CertificationDraft(
        display_name=f"Microsoft Certified: Information Security Administrator Associate {n}",
        certification_id="exam.ms-401",
        issued_date=datetime.date(2025, 4, 28),
        end_date=datetime.date(2027, 4, 29),
        allowed_audiences=gp.AllowedAudiences.ORGANIZATION,
    )


def client_cpu(base: str, token: str) -> tuple[float, float]:
    """CPU time of this process per create-then-get pair: graph_profile vs requests."""
    user_path = f"{base}/beta/users/{urllib.parse.quote(ADMIN)}/profile/certifications"

    with gp.Client(token, graph_url=base + "/beta") as client:
        certifications = client.certifications(ADMIN)
        certifications.list()  # connection and runtime warm
        start = time.process_time()
        for n in range(REQUESTS_PER_CLIENT):
            made = certifications.create(draft(n))
            certifications.get(made.id or "")
        ours = (time.process_time() - start) / (2 * REQUESTS_PER_CLIENT)

    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        session.get(user_path, timeout=10).raise_for_status()
        start = time.process_time()
        for n in range(REQUESTS_PER_CLIENT):
            body = {
                "displayName": "Microsoft Certified: Information Security Administrator "
                f"Associate {n}",
                "certificationId": "exam.ms-401",
                "issuedDate": "2025-04-28",
                "endDate": "2027-04-29",
                "allowedAudiences": "organization",
            }
            answer = session.post(user_path, json=body, timeout=10)
            answer.raise_for_status()
            entry_id = answer.json()["id"]
            again = session.get(f"{user_path}/{entry_id}", timeout=10)
            again.raise_for_status()
            again.json()
        theirs = (time.process_time() - start) / (2 * REQUESTS_PER_CLIENT)
    return ours * 1e6, theirs * 1e6


FRESH = """
import datetime, sys, graph_profile as gp
with gp.Client(sys.argv[1], graph_url=sys.argv[2]) as client:
    client.certifications("admin@contoso.com").create(gp.CertificationDraft(
        display_name="Introducing Topedia Blog", issued_date=datetime.date(2020, 4, 1)))
"""


def fresh_process(base: str, token: str) -> float:
    """Wall time (s) of a new interpreter that imports, signs in and creates one entry."""
    runs = []
    for _ in range(7):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", FRESH, token, base + "/beta"], check=True, timeout=60
        )
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def listing_100(base: str, token: str) -> float:
    """Median wall time (ms) of listing a facet of exactly 100 entries (one page)."""
    user = "megan.bowen@contoso.com"
    with gp.Client(token, graph_url=base + "/beta") as client:
        awards = client.awards(user)
        made = awards.create_many([gp.AwardDraft(display_name=f"award {n}") for n in range(100)])
        assert all(isinstance(entry, gp.Award) for entry in made)
        assert len(awards.list()) == 100
        runs = []
        for _ in range(30):
            start = time.perf_counter()
            awards.list()
            runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main() -> None:
    wheels = sorted((REPO / "target" / "wheels").glob("graph_profile-*.whl"))
    wheel_mib = wheels[-1].stat().st_size / 2**20 if wheels else float("nan")

    binary = emulator_binary()
    process, base = start_emulator(binary)
    try:
        token = get_token(base)
        import_ms, import_best_ms, import_mib = import_cost()
        ours_us, theirs_us = client_cpu(base, token)
        fresh_s = fresh_process(base, token)
        list_ms = listing_100(base, token)
    finally:
        process.terminate()
        process.wait(timeout=10)

    load = os.getloadavg()[0]
    print(
        f"Python {sys.version.split()[0]}, {os.cpu_count()} cores (load average {load:.1f}), "
        f"emulator {binary.parent.name} build; CPU per request averaged over "
        f"{2 * REQUESTS_PER_CLIENT} requests."
    )
    print()
    print("| measure | target | result |")
    print("|---|---|---|")
    print(f"| wheel size | at most 10 MB | {wheel_mib:.1f} MiB |")
    print(
        f"| `import graph_profile` time beyond a bare interpreter | 30 ms "
        f"| {import_ms:.1f} ms median, {import_best_ms:.1f} ms best |"
    )
    print(f"| `import graph_profile` memory beyond a bare interpreter | 25 MB | {import_mib:.1f} MiB |")
    print(
        f"| client CPU per request (create + get) | at most a third of `requests` "
        f"| {ours_us:.0f} µs vs {theirs_us:.0f} µs for `requests` ({ours_us / theirs_us:.2f}x) |"
    )
    print(f"| fresh process: import, sign in, create one certification | under 0.15 s | {fresh_s:.3f} s |")
    print(f"| list 100 entries (one page, typed models) | under 5 ms | {list_ms:.2f} ms |")


if __name__ == "__main__":
    main()
