//! `#[aio::main]` and `#[aio::test]`: turn an `async fn` into a plain one that
//! runs it on a new event loop.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Ident, Item, ItemFn, ReturnType, Token, Type};

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Main,
    Test,
}

impl Kind {
    fn attr(self) -> &'static str {
        match self {
            Kind::Main => "#[aio::main]",
            Kind::Test => "#[aio::test]",
        }
    }
}

/// One option: `key` alone (`debug`) or `key = value` (`clock = real`,
/// `seed = 7`).
struct Opt {
    key: Ident,
    value: Option<Value>,
}

enum Value {
    Word(Ident),
    Number(syn::LitInt),
    Text(syn::LitStr),
}

impl Parse for Opt {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = Ident::parse_any(input)?;
        if !input.peek(Token![=]) {
            return Ok(Opt { key, value: None });
        }
        input.parse::<Token![=]>()?;
        let value = if input.peek(syn::LitInt) {
            Value::Number(input.parse()?)
        } else if input.peek(syn::LitStr) {
            Value::Text(input.parse()?)
        } else {
            Value::Word(Ident::parse_any(input).map_err(|e| {
                syn::Error::new(e.span(), format!("expected a value after `{key} =`"))
            })?)
        };
        Ok(Opt {
            key,
            value: Some(value),
        })
    }
}

/// The options of `#[aio::main(..)]` / `#[aio::test(..)]`.
#[derive(Default)]
struct Options {
    clock: Option<String>,
    debug: bool,
    seed: Option<syn::LitInt>,
    graceful: bool,
}

/// What the options are, for error messages.
const OPTIONS: &str = "the options are `clock = real` or `clock = virtual`, `debug`, \
     `seed = N`, and (on #[aio::main]) `ctrl_c = \"graceful\"`";

pub(crate) fn expand(kind: Kind, args: TokenStream, item: TokenStream) -> TokenStream {
    match try_expand(kind, args, item.clone()) {
        Ok(tokens) => tokens,
        Err(err) => {
            // Leave a plain stub of the same name so that the only error shown
            // is ours (no "main not found", no "main cannot be async").
            let mut tokens = err.to_compile_error();
            if let Ok(Item::Fn(func)) = syn::parse2::<Item>(item) {
                let name = &func.sig.ident;
                tokens.extend(quote!(#[allow(dead_code)] fn #name() {}));
            }
            tokens
        }
    }
}

fn try_expand(kind: Kind, args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let attr = kind.attr();
    let options = parse_options(kind, args)?;
    let func = match syn::parse2::<Item>(item) {
        Ok(Item::Fn(func)) => func,
        Ok(other) => {
            return Err(syn::Error::new(
                first_token_span(&other),
                format!(
                    "{attr} goes on an `async fn`, not on this item: write it above `async fn ...() {{ ... }}`"
                ),
            ));
        }
        Err(_) => {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("{attr} goes on an `async fn`: write it above `async fn ...() {{ ... }}`"),
            ));
        }
    };
    check_signature(kind, &func)?;

    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = func;
    let name = &sig.ident;
    let output = &sig.output;
    let inner = format_ident!("__aio_{}", name, span = name.span());
    let clock_path = match options.clock.as_deref() {
        Some("virtual") => quote!(::aio::__private::Clock::Virtual),
        Some(_) => quote!(::aio::__private::Clock::Real),
        None if kind == Kind::Test => quote!(::aio::__private::Clock::Virtual),
        None => quote!(::aio::__private::Clock::Real),
    };
    let test_attr = if kind == Kind::Test {
        quote!(#[::core::prelude::v1::test])
    } else {
        quote!()
    };
    let debug = options
        .debug
        .then(|| quote!(__aio_runner.get_loop().set_debug(true);));
    let graceful = options
        .graceful
        .then(|| quote!(let __aio_runner = __aio_runner.graceful_signals();));
    let seed = options
        .seed
        .map(|n| quote!(__aio_runner.get_loop().seed_random(#n);));
    let run = quote_spanned! {block.span()=>
        __aio_runner.run(#inner())
    };
    Ok(quote! {
        #test_attr
        #(#attrs)*
        #vis fn #name() #output {
            async fn #inner() #output #block
            let __aio_runner = ::aio::__private::Runner::with_clock(#clock_path);
            #graceful
            #debug
            #seed
            #run
        }
    })
}

fn parse_options(kind: Kind, args: TokenStream) -> syn::Result<Options> {
    let attr = kind.attr();
    let opts = Punctuated::<Opt, Token![,]>::parse_terminated.parse2(args)?;
    let mut options = Options::default();
    let mut seen: Vec<String> = Vec::new();
    for opt in opts {
        let key = opt.key.to_string();
        if seen.contains(&key) {
            return Err(syn::Error::new(
                opt.key.span(),
                format!("option `{key}` is given twice in {attr}: keep one"),
            ));
        }
        seen.push(key.clone());
        match (key.as_str(), opt.value) {
            ("clock", Some(Value::Word(value))) => {
                let word = value.to_string();
                if word != "real" && word != "virtual" {
                    return Err(syn::Error::new(
                        value.span(),
                        format!("`clock` is `real` or `virtual`, not `{word}`"),
                    ));
                }
                options.clock = Some(word);
            }
            ("clock", _) => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    "write `clock = real` or `clock = virtual`",
                ));
            }
            ("debug", None) => options.debug = true,
            ("debug", Some(_)) => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    "`debug` takes no value: write `debug`",
                ));
            }
            ("seed", Some(Value::Number(n))) => {
                n.base10_parse::<u64>()?;
                options.seed = Some(n);
            }
            ("seed", _) => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    "`seed` takes a number: write `seed = 42`",
                ));
            }
            ("ctrl_c", _) if kind == Kind::Test => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    "a test receives no Ctrl-C: remove `ctrl_c` from #[aio::test]",
                ));
            }
            ("ctrl_c", Some(Value::Text(mode))) if mode.value() == "graceful" => {
                options.graceful = true;
            }
            ("ctrl_c", Some(Value::Text(mode))) => {
                return Err(syn::Error::new(
                    mode.span(),
                    format!(
                        "`ctrl_c` is \"graceful\", not {:?}; leave the option out for the default handling",
                        mode.value()
                    ),
                ));
            }
            ("ctrl_c", Some(Value::Word(word))) => {
                return Err(syn::Error::new(
                    word.span(),
                    format!("write `ctrl_c = \"{word}\"`, with the quotes"),
                ));
            }
            ("ctrl_c", _) => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    "write `ctrl_c = \"graceful\"`",
                ));
            }
            _ => {
                return Err(syn::Error::new(
                    opt.key.span(),
                    format!("unknown option `{key}` for {attr}: {OPTIONS}"),
                ));
            }
        }
    }
    Ok(options)
}

fn check_signature(kind: Kind, func: &ItemFn) -> syn::Result<()> {
    let attr = kind.attr();
    let sig = &func.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span,
            format!(
                "{attr} needs an async function: write `async fn {}()`",
                sig.ident
            ),
        ));
    }
    if !sig.inputs.is_empty() {
        return Err(syn::Error::new(
            sig.inputs.span(),
            format!(
                "the function under {attr} takes no parameters: write `async fn {}()`",
                sig.ident
            ),
        ));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new(
            sig.generics.span(),
            format!(
                "the function under {attr} cannot be generic: remove `{}`",
                sig.generics.to_token_stream().to_string().replace(' ', "")
            ),
        ));
    }
    if kind == Kind::Test
        && let ReturnType::Type(_, ty) = &sig.output
        && !is_reportable(ty)
    {
        return Err(syn::Error::new(
            ty.span(),
            "an #[aio::test] returns nothing or `Result<(), E>` with `E: Debug`; \
                     other return values cannot be reported: assert on them instead",
        ));
    }
    Ok(())
}

/// `()` or a `Result<..>`: what the test harness can report.
fn is_reportable(ty: &Type) -> bool {
    match ty {
        Type::Tuple(tuple) => tuple.elems.is_empty(),
        Type::Paren(inner) => is_reportable(&inner.elem),
        Type::Path(path) => path
            .path
            .segments
            .last()
            .is_some_and(|seg| seg.ident == "Result"),
        _ => false,
    }
}

fn first_token_span(item: &Item) -> Span {
    item.to_token_stream()
        .into_iter()
        .next()
        .map(|t| t.span())
        .unwrap_or_else(Span::call_site)
}
