//! No macro panics on any input: each is fed malformed versions of a valid
//! call (every prefix, every token left out, separators doubled, delimiters
//! swapped, all of it shuffled), and must answer with code or a compile
//! error, never a panic (a panicking macro shows users an internal error
//! instead of what to write).

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;

/// Valid calls of each macro (the tokens inside its parentheses).
const SAMPLES: &[(&str, &str)] = &[
    ("task_group", "|tg| { tg.create_task(async {}); }"),
    (
        "task_group",
        "supervise grace = Duration::from_secs(1), |tg| { Ok::<_, E>(1) }",
    ),
    (
        "cancel_scope",
        "deadline = t, grace = d, |scope| { scope.cancel(); }",
    ),
    ("cancel_scope", "{ work().await }"),
    (
        "timeout",
        "Duration::from_secs(1), |scope| { scope.deadline() }",
    ),
    ("timeout", "d, { work().await }"),
    ("gather", "a(), b(), async { 1 }"),
    ("gather_all", "a(), b()"),
    (
        "select_first",
        "biased; v = fut => v, Some(x) = other => { x }, else => 0",
    ),
    (
        "select_first",
        "_ = aio::sleep(d) => {}, c = aio::cancelled() => c.reason()",
    ),
    ("stream", "for i in 0..3 { aio::sleep(d).await; yield i; }"),
    ("try_stream", "let x = f()?; yield x;"),
];

fn expand(name: &str, input: TokenStream) -> TokenStream {
    match name {
        "task_group" => crate::task_group::expand(input),
        "cancel_scope" => crate::cancel_scope::expand(input),
        "timeout" => crate::timeout::expand(input),
        "gather" => crate::gather::expand(input, true),
        "gather_all" => crate::gather::expand(input, false),
        "select_first" => crate::select_first::expand(input),
        "stream" => crate::stream::expand(input, crate::stream::Kind::Plain),
        "try_stream" => crate::stream::expand(input, crate::stream::Kind::Try),
        other => unreachable!("no macro {other}"),
    }
}

/// The malformed variants of `tokens`.
fn variants(tokens: &[TokenTree]) -> Vec<Vec<TokenTree>> {
    let mut out = Vec::new();
    for end in 0..=tokens.len() {
        out.push(tokens[..end].to_vec()); // truncated
    }
    for skip in 0..tokens.len() {
        let mut v = tokens.to_vec();
        v.remove(skip); // one token missing
        out.push(v);
    }
    for (i, token) in tokens.iter().enumerate() {
        if let TokenTree::Punct(_) = token {
            let mut v = tokens.to_vec();
            v.insert(i, token.clone()); // separator doubled
            out.push(v);
        }
        if let TokenTree::Group(group) = token {
            for delimiter in [Delimiter::Parenthesis, Delimiter::Bracket, Delimiter::Brace] {
                let mut v = tokens.to_vec();
                v[i] = TokenTree::Group(Group::new(delimiter, group.stream()));
                out.push(v);
            }
            let mut v = tokens.to_vec();
            v[i] = TokenTree::Group(Group::new(group.delimiter(), TokenStream::new()));
            out.push(v); // emptied
        }
    }
    // A deterministic shuffle: every rotation, and the tokens reversed.
    for k in 1..tokens.len() {
        let mut v = tokens.to_vec();
        v.rotate_left(k);
        out.push(v);
    }
    out.push(tokens.iter().rev().cloned().collect());
    out
}

#[test]
fn no_macro_panics_on_malformed_input() {
    let mut tried = 0;
    for (name, sample) in SAMPLES {
        let tokens: Vec<TokenTree> = TokenStream::from_str(sample).unwrap().into_iter().collect();
        for variant in variants(&tokens) {
            let input: TokenStream = variant.into_iter().collect();
            let shown = input.to_string();
            let expanded = catch_unwind(AssertUnwindSafe(|| expand(name, input)));
            assert!(expanded.is_ok(), "{name}!({shown}) panicked");
            tried += 1;
        }
    }
    assert!(tried > 300, "only {tried} inputs");
}

#[test]
fn no_entry_attribute_panics_on_malformed_input() {
    use crate::entry::{Kind, expand};
    let items = [
        "async fn main() { work().await; }",
        "async fn it_works() -> Result<(), E> { Ok(()) }",
    ];
    let args = ["clock = virtual", "clock = real", ""];
    for kind in [Kind::Main, Kind::Test] {
        for item in items {
            let item: Vec<TokenTree> = TokenStream::from_str(item).unwrap().into_iter().collect();
            for arg in args {
                let arg: Vec<TokenTree> = TokenStream::from_str(arg).unwrap().into_iter().collect();
                for arg_variant in variants(&arg).into_iter().chain([arg.clone()]) {
                    for item_variant in variants(&item) {
                        let (a, i): (TokenStream, TokenStream) = (
                            arg_variant.iter().cloned().collect(),
                            item_variant.into_iter().collect(),
                        );
                        let shown = format!("#[{a}] {i}");
                        let expanded = catch_unwind(AssertUnwindSafe(|| expand(kind, a, i)));
                        assert!(expanded.is_ok(), "{shown} panicked");
                    }
                }
            }
        }
    }
}
