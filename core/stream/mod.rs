//! Async iteration, asyncio's `async for`: the [`Generator`] behind the
//! `stream!` and `try_stream!` macros (an async generator, `async def` with
//! `yield`). The `Stream` and `StreamExt` traits users iterate with are
//! re-exported at the crate root.
//!
//! Imports nothing from the other folders: a generator is plain futures
//! machinery and works on any executor.

mod generator;

pub use generator::Generator;

pub use generator::{__yielder, Yielder};
