#!/usr/bin/env bash
# `graph-profile demo`, the README's main-job command: it must sync the bundled sample
# (600 entries) into the embedded emulator, print the expiry report and a card
# address, and finish well under a minute.  With --serve, the card address must answer
# with the card, and Ctrl+C must end the demo.
set -euo pipefail
cargo build -p graph-profile-cli
out=$(mktemp)
served=$(mktemp)
demo_pid=
cleanup() {
    if [ -n "$demo_pid" ]; then
        kill "$demo_pid" 2>/dev/null || true
    fi
    rm -f "$out" "$served"
}
trap cleanup EXIT

start=$(date +%s)
timeout 60 ./target/debug/graph-profile demo >"$out"
elapsed=$(( $(date +%s) - start ))
cat "$out"
grep -q "Plan: 600 to create" "$out"
grep -q "600 created, 0 updated, 0 unchanged, 0 failed" "$out"
grep -Eq "[0-9]+ expired, [0-9]+ expiring within 30 days" "$out"
grep -Eq "Profile card preview: http://127\.0\.0\.1:[0-9]+/cards/" "$out"
echo "demo finished in ${elapsed} s"
[ "$elapsed" -lt 60 ]

echo "--- demo --serve: the card address answers"
./target/debug/graph-profile demo --serve >"$served" 2>/dev/null &
demo_pid=$!
card_url=
for _ in $(seq 1 600); do
    if grep -q "keeps running" "$served"; then
        card_url=$(sed -n 's/.*Profile card preview: \(http[^ ]*\).*/\1/p' "$served" | head -n 1)
        break
    fi
    if ! kill -0 "$demo_pid" 2>/dev/null; then
        cat "$served"
        echo "60-demo: demo --serve exited early" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$card_url" ]; then
    cat "$served"
    echo "60-demo: demo --serve printed no card address in 60 s" >&2
    exit 1
fi

python3 - "$card_url" <<'PY'
import sys
import urllib.request

with urllib.request.urlopen(sys.argv[1], timeout=10) as answer:
    assert answer.status == 200, answer.status
    kind = answer.headers.get("content-type", "")
    assert "text/html" in kind, kind
    page = answer.read().decode()
assert "Certifications" in page, page[:500]
print(f"card served: {sys.argv[1]} ({len(page)} bytes)")
PY

kill -INT "$demo_pid"
for _ in $(seq 1 100); do
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 0.1
done
if kill -0 "$demo_pid" 2>/dev/null; then
    echo "60-demo: demo --serve did not stop on Ctrl+C (SIGINT) within 10 s" >&2
    exit 1
fi
wait "$demo_pid" || true
demo_pid=
echo "60-demo: passed"
