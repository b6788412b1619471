#!/usr/bin/env bash
# Runs every test suite of the project: each file in tests/suites/ in name order.
# A suite whose tool is missing fails; nothing is skipped quietly.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$HOME/.dotnet/tools:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=never

passed=0
failed=0
failed_names=()
for suite in tests/suites/*.sh; do
    name=$(basename "$suite" .sh)
    echo "=== suite $name"
    start=$(date +%s)
    if bash "$suite"; then
        passed=$((passed + 1))
        echo "=== suite $name passed in $(( $(date +%s) - start )) s"
    else
        failed=$((failed + 1))
        failed_names+=("$name")
        echo "=== suite $name FAILED in $(( $(date +%s) - start )) s"
    fi
done

if [ "$failed" -gt 0 ]; then
    echo "failed suites: ${failed_names[*]}"
fi
echo "suites: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
