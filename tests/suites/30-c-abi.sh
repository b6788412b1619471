#!/usr/bin/env bash
# The C ABI (libgraph_profile): the header drift check and unit tests, then the C test
# program against a real emulator three ways (plain, under valgrind, built with
# AddressSanitizer), then the examples in C and Python (ctypes).
# gcc, valgrind and python3 are required: a missing one fails the suite.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

for tool in cargo gcc valgrind python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "30-c-abi: FAILED: $tool is not installed (install it; this suite never skips)" >&2
        exit 1
    fi
done

target_dir=${CARGO_TARGET_DIR:-$root/target}
lib_dir=$target_dir/debug
work=$(mktemp -d)
emulator_pid=

cleanup() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

echo "--- build the library and the emulator"
cargo build -p graph-profile-ffi -p graph-profile-cli

echo "--- unit tests and the header drift check"
cargo test -p graph-profile-ffi

echo "--- compile the C test program and the C example"
cflags=(-std=c11 -Wall -Wextra -Werror -g -pthread -I bindings/c)
link=(-L "$lib_dir" -lgraph_profile -Wl,-rpath,"$lib_dir")
gcc "${cflags[@]}" bindings/c/tests/test_abi.c -o "$work/test_abi" "${link[@]}"
gcc "${cflags[@]}" -fsanitize=address -fno-omit-frame-pointer \
    bindings/c/tests/test_abi.c -o "$work/test_abi_asan" "${link[@]}"
gcc "${cflags[@]}" bindings/c/examples/certifications.c -o "$work/certifications" "${link[@]}"
# The static library too: linked in whole, with the system libraries Rust's std needs.
gcc "${cflags[@]}" bindings/c/examples/certifications.c -o "$work/certifications_static" \
    "$lib_dir/libgraph_profile.a" -lpthread -ldl -lm
if ldd "$work/certifications_static" | grep -q libgraph_profile; then
    echo "30-c-abi: the static build still links libgraph_profile.so" >&2
    exit 1
fi

echo "--- start the emulator"
"$target_dir/debug/graph-profile" emulator --listen 127.0.0.1:0 --db :memory: --demo \
    >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
base_url=
for _ in $(seq 1 100); do
    base_url=$(head -n 1 "$work/emulator.out" 2>/dev/null || true)
    [ -n "$base_url" ] && break
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "30-c-abi: the emulator exited:" >&2
        cat "$work/emulator.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$base_url" ]; then
    echo "30-c-abi: the emulator printed no base URL in 10 s" >&2
    exit 1
fi
echo "emulator at $base_url"

echo "--- C test program"
"$work/test_abi" "$base_url"

echo "--- C test program under valgrind"
valgrind --quiet --error-exitcode=99 --leak-check=full \
    --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
    --suppressions=bindings/c/tests/valgrind.supp \
    "$work/test_abi" "$base_url"

echo "--- C test program built with AddressSanitizer"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 "$work/test_abi_asan" "$base_url"

echo "--- examples"
token=$(python3 - "$base_url" <<'EOF'
import json, sys, urllib.request
url = sys.argv[1] + "/emulator/token?user=admin@contoso.com&scopes=User.ReadWrite.All"
print(json.load(urllib.request.urlopen(url))["access_token"])
EOF
)
GP_GRAPH_URL="$base_url/beta" GP_TOKEN="$token" "$work/certifications" admin@contoso.com
GP_GRAPH_URL="$base_url/beta" GP_TOKEN="$token" "$work/certifications_static" admin@contoso.com
GP_LIBRARY="$lib_dir/libgraph_profile.so" GP_GRAPH_URL="$base_url/beta" GP_TOKEN="$token" \
    python3 bindings/c/examples/certifications.py admin@contoso.com

echo "30-c-abi: passed"
