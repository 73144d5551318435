//! Misuse of the macros is a compile error that says what to write instead:
//! each case in `ui-tests/` is compiled and its error compared with the
//! `.stderr` snapshot beside it.

#[test]
fn misuse_is_a_compile_error() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui-tests/*.rs");
}
