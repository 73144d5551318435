#!/usr/bin/env bash
# Mutation testing: are the tests able to tell a broken library from a
# working one? cargo-mutants rewrites one spot of a source file at a time
# (an operator flipped, a body replaced by a default value, ...), builds,
# and runs the test binaries that cover that file. A mutant that every test
# still passes "survives": behaviour no test asserts.
#
# Usage:  scripts/mutants.sh FILE..
#   e.g.  scripts/mutants.sh core/sync/lock.rs core/sync/waiters.rs
#         scripts/mutants.sh core/scope/group.rs core/scope/group_run.rs
# Needs:  cargo install cargo-mutants
# Env:    MUTANTS_TIMEOUT  seconds one test run may take before the mutant
#                          counts as caught by a hang (default: 3 times the
#                          unmutated run, at least 20 s)
#         MUTANTS_OUT      where the reports go (default target/mutants)
#         MUTANTS_JOBS     mutants built and tested at once (default 1)
#         MUTANTS_TARGET   a target dir kept between runs (default: a fresh
#                          one in each scratch copy; only with one job)
#         MUTANTS_ARGS     more cargo-mutants options, e.g. "--iterate" to test
#                          again only what the last run did not catch, or
#                          "-E REGEX" to leave mutants out
# Prints cargo-mutants' summary and the survivors per file; they are listed
# in $MUTANTS_OUT/mutants.out/missed.txt. Exits non-zero if any survive.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -eq 0 ]; then
    sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
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
    core/sync/queue.rs | core/sync/queue_order.rs | core/sync/queue_waits.rs) echo sync_queue prop_queue ;;
    core/sync/barrier.rs) echo sync_barrier prop_barrier ;;
    core/sync/event.rs) echo sync_event prop_event ;;
    core/sync/errors.rs) echo sync_queue sync_barrier ;;
    core/task/promise.rs) echo promise cancel_semantics ;;
    core/cancel/*.rs) echo cancel_semantics catch_cancel cancel_graceful task_group \
        timeout shield task_allocations ;;
    core/scope/group.rs | core/scope/task_group.rs | core/scope/group_run.rs | core/scope/child.rs)
        echo task_group cancel_semantics catch_cancel cancel_graceful reliability \
            prop_task_group debug_tree task_registry ;;
    core/runtime/timers.rs) echo timer_heap timeout event_loop interval infinite_deadlines ;;
    core/scope/timeout.rs | core/scope/scope_run.rs | core/scope/cancel_scope.rs | core/scope/cancel_handle.rs)
        echo timeout cancel_semantics catch_cancel cancel_graceful infinite_deadlines debug_errors ;;
    core/scope/shield.rs) echo shield cancel_semantics catch_cancel timeout ;;
    core/task/root.rs | core/task/body.rs | core/task/task_await.rs | core/task/shutdown.rs | core/task/callback_handle.rs)
        echo event_loop cancel_semantics catch_cancel cancel_graceful reliability \
            loop_shutdown task_group ;;
    core/threads/thread_pool.rs | core/threads/to_thread.rs)
        echo to_thread run_coroutine_threadsafe executor_shutdown ;;
    core/threads/per_core.rs) echo per_core ;;
    *) echo "" ;;
    esac
}

# Mutated builds get a scratch copy of the tree and a target dir of their own
# (or MUTANTS_TARGET), without debug info: linking is most of a rebuild.
unset CARGO_TARGET_DIR
[ -n "${MUTANTS_TARGET:-}" ] && export CARGO_TARGET_DIR="$MUTANTS_TARGET"
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
out=${MUTANTS_OUT:-target/mutants}
files=()
tests=()
for file in "$@"; do
    [ -f "$file" ] || { echo "no such file: $file" >&2; exit 2; }
    files+=(--file "$file")
    for t in $(tests_for "$file"); do
        [ -f "tests/$t.rs" ] && tests+=("$t")
    done
done
# Only the covering test binaries are built and run for each mutant (a file
# not mapped above is checked against every test), with the library's own
# unit tests.
cargo_args=(--cargo-arg=--lib)
for t in $(printf '%s\n' "${tests[@]}" | sort -u); do
    cargo_args+=(--cargo-arg="--test=$t")
done
[ ${#tests[@]} -eq 0 ] && cargo_args=(--cargo-arg=--tests)
echo "mutating: $* | tests: ${cargo_args[*]}"
mkdir -p "$out"
status=0
if [ -n "${MUTANTS_TIMEOUT:-}" ]; then
    timeout=(--timeout "$MUTANTS_TIMEOUT")
else
    timeout=(--timeout-multiplier 3 --minimum-test-timeout 20)
fi
cargo mutants "${files[@]}" "${cargo_args[@]}" --test-tool cargo "${timeout[@]}" \
    --jobs "${MUTANTS_JOBS:-1}" --output "$out" --colors never --no-times \
    ${MUTANTS_ARGS:-} || status=$?
# Survivors per file.
for file in "$@"; do
    n=$(grep -c "^$file:" "$out/mutants.out/missed.txt" 2>/dev/null || true)
    echo "survivors: ${n:-0} $file"
done
exit $status
