#!/usr/bin/env bash
# The Python package: builds the abi3 wheel with maturin, installs it in a fresh venv,
# runs the strict pytest suite against the emulator, `mypy --strict` on the examples
# and `stubtest` on the installed package.  Any missing tool fails the suite.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

fail() {
    echo "40-python: $*" >&2
    exit 1
}

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || fail "$python not found (Python 3.10 or later is needed)"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || fail "$("$python" --version) is too old: Python 3.10 or later is needed"
"$python" -c 'import venv, ensurepip' 2>/dev/null || fail "$python lacks venv/ensurepip"
command -v cargo >/dev/null 2>&1 || fail "cargo not found"

venv=$root/target/python-suite/venv
echo "40-python: fresh venv in $venv"
"$python" -m venv --clear "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --quiet)
"${pip[@]}" install maturin pytest pytest-timeout pytest-asyncio hypothesis mypy \
    || fail "could not install the Python test tools (see /work/shared/offline/WHEELS.txt)"
for tool in maturin pytest mypy; do
    [ -x "$venv/bin/$tool" ] || fail "$tool is missing from the venv"
done

echo "40-python: building the emulator binary"
cargo build --quiet -p graph-profile-cli
export GRAPH_PROFILE_BIN=$root/target/debug/graph-profile
[ -x "$GRAPH_PROFILE_BIN" ] || fail "the emulator binary was not built"

echo "40-python: building the wheel"
mkdir -p target/wheels
rm -f target/wheels/graph_profile-*.whl
(cd python && "$venv/bin/maturin" build --quiet --release --out "$root/target/wheels")
wheel=$(ls target/wheels/graph_profile-*-abi3-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "maturin built no abi3 wheel"
"${pip[@]}" install --force-reinstall --no-deps "$wheel"

# From the repository root and through the venv's own scripts, so that the source
# folder python/graph_profile never shadows the installed wheel.
echo "40-python: pytest"
GRAPH_PROFILE_TEST_INSTALLED=1 "$venv/bin/pytest" -c python/pyproject.toml \
    --rootdir python -p no:cacheprovider python/tests

echo "40-python: mypy --strict on the examples"
"$venv/bin/mypy" --config-file python/pyproject.toml --strict --cache-dir target/python-suite/mypy \
    python/examples

echo "40-python: stubtest"
"$venv/bin/python" -m mypy.stubtest graph_profile \
    --allowlist python/tools/stubtest-allowlist.txt

echo "40-python: passed"
