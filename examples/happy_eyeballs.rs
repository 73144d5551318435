//! A "happy eyeballs" race: try the preferred address first, start the next
//! one if it has not answered within 250 ms, and keep the first connection
//! that succeeds; the losers are cancelled. Connections are simulated.

use std::time::Duration;

/// Pretends to connect: (address, how long it takes, whether it works).
async fn connect(
    address: &'static str,
    delay_ms: u64,
    works: bool,
) -> Result<&'static str, String> {
    aio::sleep(Duration::from_millis(delay_ms)).await;
    if works {
        Ok(address)
    } else {
        Err(format!("{address}: connection refused"))
    }
}

#[aio::main]
async fn main() {
    let attempts = [
        ("2001:db8::1 (IPv6)", 1000, false),
        ("192.0.2.1 (IPv4)", 300, true),
        ("192.0.2.2 (IPv4)", 100, true),
    ];
    let start = aio::now();
    let staggered = |i: usize| {
        let (address, delay, works) = attempts[i];
        async move {
            // Attempt i starts 250 ms after attempt i-1.
            aio::sleep(Duration::from_millis(250 * i as u64)).await;
            println!(
                "{:>4} ms: trying {address}",
                (aio::now() - start).as_millis()
            );
            connect(address, delay, works).await
        }
    };
    let winner = aio::select_first! {
        Ok(a) = staggered(0) => a,
        Ok(a) = staggered(1) => a,
        Ok(a) = staggered(2) => a,
        else => "nothing answered",
    };
    println!(
        "{:>4} ms: connected to {winner}; the other attempts were cancelled",
        (aio::now() - start).as_millis()
    );
}
