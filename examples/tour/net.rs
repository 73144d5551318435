//! Networking: a line server and its client on one loop, and a datagram.

use aio::net::{StreamReader, StreamWriter, UdpSocket, open_connection, start_server};

async fn shout(mut reader: StreamReader, mut writer: StreamWriter) {
    while let Ok(line) = reader.readline().await {
        if line.is_empty() {
            break;
        }
        writer.write(&line.to_ascii_uppercase());
        if writer.drain().await.is_err() {
            break;
        }
    }
}

pub async fn tour() -> std::io::Result<()> {
    println!("\n== networking ==");
    let server = start_server(shout, "127.0.0.1:0").await?;
    let addr = server.local_addr().expect("a TCP server has an address");
    // Serving stops (and its handlers are cancelled) when this scope's task is.
    let serving = aio::create_task(async move { server.serve_forever().await });
    let (mut reader, mut writer) = open_connection(addr).await?;
    for word in ["hello", "streams"] {
        writer.write(format!("{word}\n").as_bytes());
        writer.drain().await?;
        let answer = reader.readline().await.map_err(std::io::Error::other)?;
        println!(
            "sent {word:?}, the server answered {:?}",
            String::from_utf8_lossy(&answer).trim_end()
        );
    }
    serving.cancel();

    let a = UdpSocket::bind("127.0.0.1:0").await?;
    let b = UdpSocket::bind("127.0.0.1:0").await?;
    a.send_to(b"one datagram", b.local_addr()?).await?;
    let mut buf = [0; 32];
    let (n, _) = b.recv_from(&mut buf).await?;
    println!("udp carried {:?}", String::from_utf8_lossy(&buf[..n]));
    Ok(())
}
