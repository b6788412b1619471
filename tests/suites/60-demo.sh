#!/usr/bin/env bash
# `graph-profile demo`, the README's main-job command: it must sync the bundled sample
# (600 entries) into the embedded emulator, print the expiry report and a card
# address, and finish well under a minute.
set -euo pipefail
cargo build -p graph-profile-cli
out=$(mktemp)
trap 'rm -f "$out"' EXIT
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
