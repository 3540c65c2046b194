//! Throughput of the emulator's list endpoint: signed `gateway/list`
//! requests over loopback on several keep-alive connections, against an
//! inventory of 1,000 gateways.
//!
//! cargo run --release -p emulator --bin emulator-bench -- \
//!     [--gateways 1000] [--connections 8] [--seconds 5] [--page-size 50]
//!
//! The client is a minimal HTTP/1.1 loop (no client library), so the figure
//! measures the emulator, not a client stack. Prints one summary line.

use emulator::seed::{SeedAccount, SeedGateway};
use emulator::{sign, Config, Seed};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Args {
    gateways: usize,
    connections: usize,
    seconds: u64,
    page_size: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        gateways: 1000,
        connections: 8,
        seconds: 5,
        page_size: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("{flag} {value}: not a number"))?;
        match flag.as_str() {
            "--gateways" => args.gateways = n as usize,
            "--connections" => args.connections = (n as usize).max(1),
            "--seconds" => args.seconds = n.max(1),
            "--page-size" => args.page_size = (n as usize).max(1),
            "--bench" => {} // passed by `cargo bench`-style runners; ignored
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok(args)
}

/// Reads one HTTP/1.1 response with a Content-Length body; returns
/// (status, body).
async fn read_response(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> Result<(u16, Vec<u8>), String> {
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .ok_or("bad status line")?;
            let length: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .ok_or("no content-length")?;
            let total = end + 4 + length;
            while buf.len() < total {
                let mut chunk = [0u8; 65536];
                let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
                if n == 0 {
                    return Err("connection closed".into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = buf[end + 4..total].to_vec();
            buf.drain(..total);
            return Ok((status, body));
        }
        let mut chunk = [0u8; 65536];
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn worker(
    addr: std::net::SocketAddr,
    id: usize,
    pages: usize,
    page_size: usize,
    until: Instant,
) -> Result<(u64, Vec<u32>), String> {
    let mut stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    let mut done = 0u64;
    let mut latencies_us = Vec::new();
    let mut page = id % pages;
    while Instant::now() < until {
        page = (page + 1) % pages;
        let query = format!(
            "account=demo%40cda.local&pageNo={}&pageSize={page_size}&regionID=nm8",
            page + 1
        );
        let date = sign::eop_date(chrono::Utc::now());
        let rid = format!("bench-{id}-{done}");
        let auth = sign::authorization(
            emulator::DEMO_ACCESS_KEY,
            emulator::DEMO_SECRET_KEY,
            &rid,
            &date,
            &query,
            b"",
        );
        let request = format!(
            "GET /v4/cda/gateway/list?{query} HTTP/1.1\r\nHost: {addr}\r\nctyun-eop-request-id: {rid}\r\neop-date: {date}\r\nEop-Authorization: {auth}\r\n\r\n"
        );
        let started = Instant::now();
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let (status, body) = read_response(&mut stream, &mut buf).await?;
        latencies_us.push(started.elapsed().as_micros().min(u128::from(u32::MAX)) as u32);
        if status != 200 || !body.starts_with(b"{\"statusCode\":800") {
            return Err(format!(
                "unexpected response {status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(200)])
            ));
        }
        done += 1;
    }
    Ok((done, latencies_us))
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("emulator-bench: {e}");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("emulator-bench: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = runtime.block_on(bench(args)) {
        eprintln!("emulator-bench: {e}");
        std::process::exit(1);
    }
}

async fn bench(args: Args) -> Result<(), String> {
    let seed = Seed {
        accounts: vec![SeedAccount {
            account: emulator::DEMO_ACCOUNT.into(),
            region: "nm8".into(),
            gateways: (0..args.gateways)
                .map(|i| SeedGateway {
                    name: format!("gwbench{i:05}"),
                    hostname: Some("nm8-cda-sw01".into()),
                    access_point: Some("AP1".into()),
                    description: Some("bench gateway".into()),
                    ..SeedGateway::default()
                })
                .collect(),
            ..SeedAccount::default()
        }],
    };
    let handle = emulator::spawn(Config::demo().with_seed(seed))
        .await
        .map_err(|e| e.to_string())?;
    let pages = args.gateways.div_ceil(args.page_size).max(1);
    // Warm-up, untimed.
    let warm = Instant::now() + Duration::from_millis(500);
    worker(handle.addr, 0, pages, args.page_size, warm).await?;
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let tasks: Vec<_> = (0..args.connections)
        .map(|i| tokio::spawn(worker(handle.addr, i, pages, args.page_size, until)))
        .collect();
    let mut total = 0u64;
    let mut lat = Vec::new();
    for t in tasks {
        let (n, l) = t.await.map_err(|e| e.to_string())??;
        total += n;
        lat.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64();
    lat.sort_unstable();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 * p) as usize).min(lat.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "gateway/list: {:.0} req/s ({total} signed requests in {elapsed:.2} s, {} connections, {} gateways, pageSize {}), latency p50 {} µs p99 {} µs",
        total as f64 / elapsed,
        args.connections,
        args.gateways,
        args.page_size,
        pct(0.50),
        pct(0.99)
    );
    handle.shutdown().await.map_err(|e| e.to_string())?;
    Ok(())
}
