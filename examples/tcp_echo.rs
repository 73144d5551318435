//! asyncio's TCP echo server and client, using streams, in one program: the
//! server handles each connection in its own task; the client sends a line
//! and prints the answer.
//!
//! `cargo run --example tcp_echo`

use aio::net::{StreamReader, StreamWriter, open_connection, start_server};

async fn handle_echo(mut reader: StreamReader, mut writer: StreamWriter) {
    let data = match reader.read(100).await {
        Ok(data) => data,
        Err(e) => return eprintln!("read failed: {e}"),
    };
    let message = String::from_utf8_lossy(&data);
    match writer.peer_addr() {
        Ok(addr) => println!("Received {message:?} from {addr}"),
        Err(_) => println!("Received {message:?}"),
    }
    println!("Send: {message:?}");
    writer.write(&data);
    if let Err(e) = writer.drain().await {
        return eprintln!("send failed: {e}");
    }
    println!("Close the connection");
    let _ = writer.close().await;
}

async fn tcp_echo_client(addr: std::net::SocketAddr, message: &str) -> std::io::Result<()> {
    let (mut reader, mut writer) = open_connection(addr).await?;
    println!("Send: {message:?}");
    writer.write(message.as_bytes());
    writer.drain().await?;
    let data = reader.read(100).await?;
    println!("Received: {:?}", String::from_utf8_lossy(&data));
    println!("Close the connection");
    writer.close().await
}

#[aio::main]
async fn main() -> std::io::Result<()> {
    let server = start_server(handle_echo, "127.0.0.1:0").await?;
    let addr = server.local_addr().expect("a TCP server has an address");
    println!("Serving on {addr}");
    aio::select_first! {
        served = server.serve_forever() => served,
        sent = tcp_echo_client(addr, "Hello World!") => sent,
    }
}
