//! A TCP server that says goodbye. Each connection is handled by a child of a
//! task group; when the server is stopped (Ctrl-C, SIGTERM, or a handler
//! failing), every handler catches its cancellation, sends "bye" to its
//! client with an await, and closes: cleanup that awaits, bounded by a 2 s
//! grace. The server is started with `tg.start`, which waits until it
//! listens.
//!
//! `cargo run --example graceful_server` runs a short demo: three clients
//! connect, one of them sends "fail", the handler fails, and the group
//! cancels the others, which say goodbye. Run it with `-- serve` to keep it
//! serving on 127.0.0.1:7878 until Ctrl-C (try `nc 127.0.0.1 7878`).

use aio::net::{StreamReader, StreamWriter, TcpListener, TcpStream};
use std::time::Duration;

const GRACE: Duration = Duration::from_secs(2);

/// Echoes lines until the client leaves; "fail" fails the handler. On
/// cancellation, says goodbye before closing.
async fn handle(stream: TcpStream, n: usize) -> Result<(), String> {
    let (mut reader, mut writer) = stream.into_streams();
    match aio::catch_cancel(echo(&mut reader, &mut writer)).await {
        Ok(outcome) => outcome,
        Err(cancelled) => {
            // Cleanup that awaits: the goodbye reaches the client.
            writer.write(b"bye\n");
            let _ = writer.drain().await;
            let _ = writer.close().await;
            println!("handler {n}: said bye ({})", cancelled.reason());
            Ok(())
        }
    }
}

async fn echo(reader: &mut StreamReader, writer: &mut StreamWriter) -> Result<(), String> {
    loop {
        let line = reader.readline().await.map_err(|e| e.to_string())?;
        if line.is_empty() {
            return Ok(()); // the client left
        }
        if line.trim_ascii() == b"fail" {
            return Err("the client asked for a failure".to_string());
        }
        writer.write(&line);
        writer.drain().await.map_err(|e| e.to_string())?;
    }
}

/// Accepts connections, each handled by a child of `tg`'s group.
async fn serve(
    listener: TcpListener,
    started: aio::Started<std::net::SocketAddr>,
) -> Result<(), String> {
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    aio::task_group!(grace = GRACE, |tg| {
        started.started(addr);
        for n in 1.. {
            let (stream, _) = listener.accept().await.map_err(|e| e.to_string())?;
            tg.create_task(handle(stream, n));
        }
        Ok::<(), String>(())
    })
    .map_err(|e| e.to_string())
}

/// A client: sends `lines`, prints what comes back until the server closes.
async fn client(addr: std::net::SocketAddr, name: &str, lines: &[&str]) -> std::io::Result<()> {
    let (mut reader, mut writer) = aio::net::open_connection(addr).await?;
    for line in lines {
        writer.write(format!("{line}\n").as_bytes());
        writer.drain().await?;
        aio::sleep(Duration::from_millis(20)).await;
    }
    loop {
        let line = reader.readline().await.map_err(std::io::Error::other)?;
        if line.is_empty() {
            return Ok(());
        }
        println!("{name} got {:?}", String::from_utf8_lossy(&line).trim_end());
    }
}

async fn demo() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let result = aio::task_group!(
        supervise | tg | {
            let addr = tg
                .start(|started| serve(listener, started))
                .await
                .map_err(|e| e.to_string())?;
            println!("listening on {addr}");
            for (name, lines) in [("alice", &["hello"][..]), ("bob", &["hi there"][..])] {
                tg.create_task(async move {
                    client(addr, name, lines).await.map_err(|e| e.to_string())
                });
            }
            aio::sleep(Duration::from_millis(100)).await;
            // A third client makes its handler fail: the server's group
            // cancels the other handlers, which say goodbye.
            tg.create_task(async move {
                client(addr, "carol", &["fail"])
                    .await
                    .map_err(|e| e.to_string())
            });
            Ok::<(), String>(())
        }
    );
    match result {
        Ok(((), failures)) => {
            for failure in failures {
                println!("stopped: {failure}");
            }
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}

async fn serve_until_ctrl_c() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:7878")
        .await
        .map_err(|e| e.to_string())?;
    aio::task_group!(|tg| {
        let addr = tg
            .start(|started| serve(listener, started))
            .await
            .map_err(|e| e.to_string())?;
        println!("listening on {addr}; press Ctrl-C to stop");
        Ok::<(), String>(())
    })
    .map_err(|e| e.to_string())
}

fn main() -> Result<(), String> {
    // Ctrl-C and SIGTERM cancel the main task; handlers get `GRACE` to say bye.
    let runner = aio::Runner::new().graceful_signals().shutdown_grace(GRACE);
    if std::env::args().any(|a| a == "serve") {
        runner.run(serve_until_ctrl_c())
    } else {
        runner.run(demo())
    }
}
