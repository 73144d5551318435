#!/usr/bin/env bash
# Counts the public items of the `aio` crate whose documentation shows a
# runnable example (a doctest).
#
#   scripts/doc_coverage.sh            # totals
#   scripts/doc_coverage.sh --missing  # also lists the items without one
#
# How it counts: rustdoc (nightly, `--output-format json`, all features, no
# private or hidden items) describes every item as a user of the docs sees
# it. Starting at the crate root, the script follows every public module and
# re-export (`pub use`, including the macros re-exported from aio-macros,
# whose documented page is the re-export's) and counts
#   - pages: every item with a page of its own (module, struct, enum, trait,
#     function, macro, type alias, constant),
#   - methods: every public method of those types' inherent impls and of the
#     traits (trait impls are left out, as rustdoc leaves them out),
# once each. An item has an example when its docs hold a fenced code block
# that rustdoc runs or compiles as Rust (no tag, `rust`, `no_run`,
# `should_panic`, `standalone_crate`, `editionNNNN`); `ignore`, `compile_fail` and other
# languages (`text`, `sh`) do not count. `no_run` examples are counted
# apart too. Also printed: rustdoc's own `--show-coverage` total, which
# counts documented items and items with examples per file but, with its
# example lint unstable, has no denominator for examples.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"

cargo +nightly rustdoc --quiet --lib --all-features -- \
    -Z unstable-options --output-format json 2>/dev/null
json="$target/doc/aio.json"

python3 - "$json" "${1:-}" <<'EOF'
import json, re, sys

doc = json.load(open(sys.argv[1]))
show_missing = sys.argv[2] == "--missing"
index = doc["index"]
PAGE_KINDS = {"module", "struct", "enum", "union", "trait", "function", "macro",
              "proc_macro", "type_alias", "constant", "static"}
RUST_TAGS = {"", "rust", "no_run", "should_panic", "standalone_crate"}

def example(docs):
    """'run', 'no_run' or None: the best example in `docs`."""
    best = None
    fence = None
    for line in (docs or "").splitlines():
        stripped = line.strip()
        if fence is None:
            m = re.match(r"^(```+|~~~+)(.*)$", stripped)
            if m:
                fence = m.group(1)
                tags = {t.strip() for t in re.split(r"[,\s]+", m.group(2)) if t.strip()}
                tags = {t for t in tags if not t.startswith("edition")}
                if tags <= RUST_TAGS:
                    kind = "no_run" if "no_run" in tags else "run"
                    if best != "run":
                        best = kind
        elif stripped.startswith(fence):
            fence = None
    return best

pages = {}    # path -> (kind, example)
methods = {}
seen = set()

def visit(item_id, path, extra_docs=""):
    item = index.get(str(item_id))
    if item is None or item_id in seen:
        return
    seen.add(item_id)
    kind, inner = next(iter(item["inner"].items()))
    docs = (extra_docs + "\n" + (item.get("docs") or "")).strip()
    if kind == "module":
        pages[path] = ("module", example(docs))
        for child in inner["items"]:
            child_item = index.get(str(child))
            if child_item is None:
                continue
            if child_item["visibility"] != "public":
                continue
            visit_member(child, path)
        return
    if kind not in PAGE_KINDS:
        return
    pages[path] = (kind, example(docs))
    impls = inner.get("impls", [])
    for impl_id in impls:
        impl = index[str(impl_id)]["inner"]["impl"]
        if impl["trait"] is not None or impl["is_synthetic"] or impl["blanket_impl"]:
            continue
        for m in impl["items"]:
            mi = index.get(str(m))
            if mi and mi["visibility"] == "public" and "function" in mi["inner"]:
                methods[f"{path}::{mi['name']}"] = example(mi.get("docs"))
    if kind == "trait":
        for m in inner["items"]:
            mi = index.get(str(m))
            if mi and "function" in mi["inner"]:
                methods[f"{path}::{mi['name']}"] = example(mi.get("docs"))

def visit_member(child, parent):
    item = index[str(child)]
    if "use" in item["inner"]:
        use = item["inner"]["use"]
        name = use["name"]
        target = use["id"]
        if target is not None and str(target) in index:
            visit(target, f"{parent}::{name}", item.get("docs") or "")
        elif not use["is_glob"]:
            # An item of another crate shown on this crate's page (the
            # macros of aio-macros): its page carries the re-export's docs.
            pages[f"{parent}::{name}"] = ("macro", example(item.get("docs")))
        return
    visit(child, f"{parent}::{item['name']}")

visit(doc["root"], "aio")

def report(title, table):
    total = len(table)
    run = sum(1 for v in table.values() if v == "run")
    no_run = sum(1 for v in table.values() if v == "no_run")
    with_example = run + no_run
    pct = 100.0 * with_example / total if total else 100.0
    print(f"{title}: {with_example} of {total} with an example ({pct:.1f}%), "
          f"{no_run} of them no_run")
    if show_missing:
        for name, v in sorted(table.items()):
            if v is None:
                print(f"    missing: {name}")

report("pages", {k: v[1] for k, v in pages.items()})
report("methods", methods)
report("all", {**{k: v[1] for k, v in pages.items()}, **methods})
EOF

echo "rustdoc --show-coverage:"
cargo +nightly rustdoc --quiet --lib --all-features -- \
    -Z unstable-options --show-coverage 2>/dev/null | grep "| Total"
