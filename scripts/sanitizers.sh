#!/usr/bin/env bash
# The test suite under AddressSanitizer (use after free, buffer overflows,
# leaks) and ThreadSanitizer (data races, e.g. a value dropped on another
# thread than the loop's), with the standard library rebuilt instrumented
# (-Zbuild-std) so that races through std are seen too.
#
# Usage:  scripts/sanitizers.sh [address|thread]..   (default: both)
# Needs:  nightly with its sources:  rustup component add rust-src --toolchain nightly
# Runs every tests/*.rs but ui (it drives rustc itself) and examples (it
# runs the uninstrumented example binaries). Builds go to
# target/sanitizers/<name> (or under $CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

target=$(rustc +nightly -vV | sed -n 's/^host: //p')
tests=()
for f in tests/*.rs; do
    name=$(basename "$f" .rs)
    case "$name" in ui | examples) continue ;; esac
    tests+=(--test "$name")
done
sanitizers=("$@")
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address thread)
base=${CARGO_TARGET_DIR:-target}
for san in "${sanitizers[@]}"; do
    echo "== $san sanitizer"
    # Proc macros and build scripts are host code: RUSTFLAGS reach only the
    # target's crates because --target is given.
    RUSTFLAGS="-Zsanitizer=$san" \
        ASAN_OPTIONS="detect_leaks=1" \
        LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt print_suppressions=0" \
        TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
        CARGO_TARGET_DIR="$base/sanitizers/$san" \
        cargo +nightly test -Zbuild-std --target "$target" --no-fail-fast "${tests[@]}"
    echo "$san sanitizer: $((${#tests[@]} / 2)) test files passed"
done
