#!/usr/bin/env bash
# The test suite under AddressSanitizer (use after free, buffer overflows,
# leaks) and ThreadSanitizer (data races, e.g. a value dropped on another
# thread than the loop's), with the standard library rebuilt instrumented
# (-Zbuild-std) so that races through std are seen too.
#
# Usage:  scripts/sanitizers.sh [address|thread].. [TEST..]
#         (default: both sanitizers; every tests/*.rs but ui, which drives
#         rustc itself, and examples, which runs the uninstrumented example
#         binaries)
#   e.g.  scripts/sanitizers.sh thread to_thread run_coroutine_threadsafe
#         scripts/sanitizers.sh --threads   (the tests where values, wakers
#         and tasks cross threads: the quick check after a change there)
# Needs:  nightly with its sources:  rustup component add rust-src --toolchain nightly
# Builds go to target/sanitizers/<name> (or under $CARGO_TARGET_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

# Wakers, results and jobs handed between threads, loops woken from other
# threads, signals and child processes.
threads=(event_loop to_thread run_coroutine_threadsafe per_core reliability
    task_registry promise testing deadlock loop_shutdown process signal ctrl_c stress)
target=$(rustc +nightly -vV | sed -n 's/^host: //p')
sanitizers=()
names=()
for arg in "$@"; do
    case "$arg" in
    address | thread) sanitizers+=("$arg") ;;
    --threads) names+=("${threads[@]}") ;;
    *) names+=("$arg") ;;
    esac
done
[ ${#sanitizers[@]} -eq 0 ] && sanitizers=(address thread)
if [ ${#names[@]} -eq 0 ]; then
    for f in tests/*.rs; do
        name=$(basename "$f" .rs)
        case "$name" in ui | examples) continue ;; esac
        names+=("$name")
    done
fi
tests=()
for name in "${names[@]}"; do tests+=(--test "$name"); done
base=${CARGO_TARGET_DIR:-target}
# 10,000 nested groups fit in the test's 64 MB stack uninstrumented; the
# sanitizers' instrumentation makes every frame several times larger, so the
# depth is checked by `cargo test`, not here.
skip=(--skip ten_thousand_nested_groups_run)
for san in "${sanitizers[@]}"; do
    echo "== $san sanitizer"
    # Proc macros and build scripts are host code: RUSTFLAGS reach only the
    # target's crates because --target is given.
    RUSTFLAGS="-Zsanitizer=$san" \
        ASAN_OPTIONS="detect_leaks=1" \
        LSAN_OPTIONS="suppressions=$PWD/scripts/lsan-suppressions.txt print_suppressions=0" \
        TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
        CARGO_TARGET_DIR="$base/sanitizers/$san" \
        cargo +nightly test -Zbuild-std --target "$target" --no-fail-fast "${tests[@]}" \
        -- "${skip[@]}"
    echo "$san sanitizer: $((${#tests[@]} / 2)) test files passed"
done
