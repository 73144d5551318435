fn main() {
    let _ = aio::gather!(async { Ok::<_, ()>(1) }, async { Ok::<_, ()>(2) });
}
