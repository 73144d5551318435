#!/usr/bin/env bash
# Mutation testing: are the tests able to tell a broken library from a
# working one? cargo-mutants rewrites one spot of a source file at a time
# (an operator flipped, a body replaced by a default value, ...), builds,
# and runs the test binaries that cover that file. A mutant that every test
# still passes "survives": behaviour no test asserts.
#
# Usage:  scripts/mutants.sh FILE..
#   e.g.  scripts/mutants.sh core/sync/lock.rs core/sync/waiters.rs
# Needs:  cargo install cargo-mutants
# Env:    MUTANTS_TIMEOUT  seconds one test run may take before the mutant
#                          counts as caught by a hang (default 30)
#         MUTANTS_OUT      where the reports go (default target/mutants)
# Prints, per file, cargo-mutants' summary; the survivors are listed in
# $MUTANTS_OUT/<file>/mutants.out/missed.txt. Exits non-zero if any survive.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
command -v cargo-mutants >/dev/null || {
    echo "cargo-mutants is missing: cargo install cargo-mutants" >&2
    exit 2
}

# The test binaries (tests/NAME.rs) that exercise each file.
tests_for() {
    case "$1" in
    core/sync/waiters.rs) echo sync_lock sync_semaphore sync_condition sync_queue \
        prop_lock prop_semaphore prop_condition prop_queue ;;
    core/sync/lock.rs) echo sync_lock sync_condition prop_lock prop_condition ;;
    core/sync/condition.rs) echo sync_condition prop_condition ;;
    core/sync/semaphore.rs) echo sync_semaphore prop_semaphore ;;
    core/sync/queue.rs) echo sync_queue prop_queue ;;
    core/sync/barrier.rs) echo sync_barrier prop_barrier ;;
    core/sync/event.rs) echo sync_event prop_event ;;
    core/sync/errors.rs) echo sync_queue sync_barrier ;;
    core/task/promise.rs) echo promise event_loop ;;
    *) echo "" ;;
    esac
}

# Mutated builds get a scratch copy of the tree and a target dir of their own.
unset CARGO_TARGET_DIR
out_root=${MUTANTS_OUT:-target/mutants}
status=0
for file in "$@"; do
    [ -f "$file" ] || { echo "no such file: $file" >&2; exit 2; }
    test_args=()
    for t in $(tests_for "$file"); do
        [ -f "tests/$t.rs" ] && test_args+=(--test "$t")
    done
    # A file not mapped above is checked against every test.
    [ ${#test_args[@]} -eq 0 ] && test_args=(--tests)
    out="$out_root/$(echo "$file" | tr / _)"
    mkdir -p "$out"
    echo "== $file (${test_args[*]})"
    cargo mutants --file "$file" --timeout "${MUTANTS_TIMEOUT:-30}" \
        --output "$out" --colors never --no-times -- "${test_args[@]}" || status=1
done
exit $status
