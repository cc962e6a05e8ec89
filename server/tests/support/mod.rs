//! A real server process on loopback and a plain HTTP/1.1 client, so the
//! tests see exactly what a browser or a proxy would.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_readerpoll-server");

/// Where a test's data lives: a fresh SQLite file, or (when
/// `READERPOLL_TEST_DATABASE_URL` is set) a fresh PostgreSQL schema.
#[derive(Clone, Debug)]
pub enum Backend {
    Sqlite(SqliteFile),
    Postgres(String),
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A path in the temporary directory, unique to this test process, removed
/// (file or directory) when dropped, whether the test passed or not.
#[derive(Debug)]
pub struct Scratch(PathBuf);

impl Scratch {
    /// A fresh path named after `name`; nothing is created there.
    pub fn new(name: &str) -> Scratch {
        Scratch(std::env::temp_dir().join(format!(
            "readerpoll-test-{}-{}-{}",
            std::process::id(),
            name,
            NEXT.fetch_add(1, Ordering::Relaxed)
        )))
    }

    /// A fresh file holding `text`.
    pub fn file(name: &str, text: &str) -> Scratch {
        let file = Scratch::new(name);
        std::fs::write(&file.0, text).unwrap();
        file
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path as a command-line argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A SQLite database in a directory of its own, removed once the last
/// clone of its backend (and so every server using it) is gone.
#[derive(Clone, Debug)]
pub struct SqliteFile {
    dir: Arc<Scratch>,
    file: PathBuf,
}

impl AsRef<Path> for SqliteFile {
    fn as_ref(&self) -> &Path {
        &self.file
    }
}

/// The PostgreSQL URL to test against: `READERPOLL_TEST_DATABASE_URL`.
/// With `READERPOLL_REQUIRE_POSTGRES` set, a missing URL fails the test
/// rather than quietly testing SQLite alone.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("READERPOLL_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let required = std::env::var("READERPOLL_REQUIRE_POSTGRES").is_ok_and(|v| !v.is_empty());
    assert!(
        url.is_some() || !required,
        "READERPOLL_REQUIRE_POSTGRES is set but READERPOLL_TEST_DATABASE_URL is not: \
         the PostgreSQL half of the tests would silently not run"
    );
    url
}

/// Every backend the tests should run against on this machine.
pub fn backends(name: &str) -> Vec<Backend> {
    let mut all = vec![Backend::sqlite(name)];
    if let Some(url) = postgres_url() {
        all.push(Backend::postgres(&url, name));
    }
    all
}

impl Backend {
    pub fn sqlite(name: &str) -> Backend {
        let dir = Scratch::new(name);
        std::fs::create_dir_all(dir.path()).unwrap();
        Backend::Sqlite(SqliteFile {
            file: dir.path().join("polls.sqlite3"),
            dir: Arc::new(dir),
        })
    }

    /// A schema of its own in the test database, so tests running in
    /// parallel never see each other's votes.
    pub fn postgres(url: &str, name: &str) -> Backend {
        let schema = format!(
            "t_{}_{}_{}",
            std::process::id(),
            name.replace('-', "_"),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let sep = if url.contains('?') { '&' } else { '?' };
        Backend::Postgres(format!("{url}{sep}options=-csearch_path%3D{schema}"))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Backend::Postgres(_))
    }

    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Backend::Sqlite(p) => Some(p.as_ref()),
            Backend::Postgres(_) => None,
        }
    }

    fn apply(&self, cmd: &mut Command) {
        match self {
            Backend::Sqlite(p) => {
                cmd.arg("--db").arg(p.as_ref()).env_remove("DATABASE_URL");
            }
            Backend::Postgres(url) => {
                cmd.env("DATABASE_URL", url);
            }
        }
    }

    /// Runs a `poll ...` management command and returns its stdout.
    pub fn cli(&self, args: &[&str]) -> Result<String, String> {
        let mut cmd = Command::new(BIN);
        cmd.args(args);
        self.apply(&mut cmd);
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(stdout)
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Adds a poll from JSON text through the CLI.
    pub fn add_poll(&self, json: &str) {
        let file = Scratch::file("poll.json", json);
        self.cli(&["poll", "add", file.arg()]).expect("poll add");
    }
}

pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
    pub backend: Backend,
}

impl Server {
    /// Starts a server; `extra` are more command-line options.
    pub fn start(backend: &Backend, extra: &[&str]) -> Server {
        Server::start_with_env(backend, extra, &[])
    }

    /// Starts a server with `env` added to its environment (its own: the
    /// test process's environment, shared by tests running in parallel, is
    /// left alone).
    pub fn start_with_env(backend: &Backend, extra: &[&str], env: &[(&str, &str)]) -> Server {
        Server::spawn(backend, extra, env, |_| {})
    }

    /// Starts a server, letting `adjust` change its command first.
    pub fn spawn(
        backend: &Backend,
        extra: &[&str],
        env: &[(&str, &str)],
        adjust: impl FnOnce(&mut Command),
    ) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--addr", "127.0.0.1:0", "--www", "/nonexistent"])
            .args(extra)
            .env_remove("READERPOLL_ADMIN_TOKEN")
            .envs(env.iter().copied())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        backend.apply(&mut cmd);
        adjust(&mut cmd);
        let mut child = cmd.spawn().expect("server starts");
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .rsplit("http://")
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Server {
            child,
            addr,
            backend: backend.clone(),
        }
    }

    /// A bare connection to the server, reads giving up after 10 s.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], b"")
    }

    pub fn vote(&self, poll: &str, body: &str) -> Reply {
        self.request(
            "POST",
            &format!("/api/polls/{poll}/votes"),
            &[("content-type", "application/json")],
            body.as_bytes(),
        )
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        request(self.addr, method, path, headers, body).expect("request")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// One request on its own connection.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse(&raw).ok_or_else(|| std::io::Error::other("malformed HTTP answer"))
}

fn parse(raw: &[u8]) -> Option<Reply> {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[split + 4..];
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Some(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn dechunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size =
            usize::from_str_radix(std::str::from_utf8(&rest[..end]).ok()?.trim(), 16).ok()?;
        rest = &rest[end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}

/// Waits until `check` holds, trying every 20 ms for at most `limit`.
pub fn eventually(limit: Duration, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + limit;
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "not within {limit:?}: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Reads what the server sends until it closes the connection (or the
/// read times out, an error). What was read, and whether it closed.
pub fn read_until_closed(stream: &mut TcpStream) -> (Vec<u8>, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return (got, true),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (got, true),
            Err(_) => return (got, false),
        }
    }
}

/// A fresh idempotency key.
pub fn key() -> String {
    format!(
        "k-{}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

pub fn vote_json(choices: &[&str], key: &str, voter: &str) -> String {
    serde_json::json!({ "choices": choices, "key": key, "voter": voter }).to_string()
}

/// A server with the rate limit off, for tests that vote quickly.
pub fn server(backend: &Backend) -> Server {
    Server::start(backend, &["--rate-limit", "0"])
}

/// A poll's voters as the API reports them.
pub fn voters(s: &Server, poll: &str) -> u64 {
    s.get(&format!("/api/polls/{poll}")).json()["tally"]["voters"]
        .as_u64()
        .unwrap()
}

/// Asserts that `serve` with these arguments refuses to start and names
/// `flag` in what it says.
pub fn refuses_to_serve(args: &[&str], flag: &str) {
    let bad = Command::new(BIN).arg("serve").args(args).output().unwrap();
    assert!(!bad.status.success(), "serve {args:?} started");
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains(flag),
        "serve {args:?} did not name {flag}"
    );
}

/// The first `data:` of an event stream.
pub fn first_event(s: &Server, path: &str) -> serde_json::Value {
    let mut stream = s.connect();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    for line in BufReader::new(stream).lines() {
        let line = line.expect("event");
        if let Some(data) = line.strip_prefix("data: ") {
            return serde_json::from_str(data).unwrap();
        }
    }
    panic!("the stream ended without an event");
}
