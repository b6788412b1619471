#!/usr/bin/env bash
# The Rust workspace: unit, property and integration tests (the emulator over real HTTP).
set -euo pipefail
cargo fmt --all --check
cargo build --workspace --all-targets
cargo test --workspace --no-fail-fast
