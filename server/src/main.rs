//! readerpoll-server: the reference backend.
//!
//! ```text
//! readerpoll-server serve [--addr 127.0.0.1:8080] [--www www] [--db data/readerpoll.sqlite3]
//!                         [--csp] [--rate-limit N] [--trusted-proxy IP]... [--allow-origin URL]...
//!                         [--body-timeout SECONDS] [--header-timeout SECONDS]
//!                         [--max-header-bytes N] [--max-connections N] [--public-url URL]
//! readerpoll-server poll add FILE.json | list | close ID | export ID --csv|--jsonl   [--db PATH]
//! ```
//!
//! `DATABASE_URL=postgres://...` switches from the SQLite file to PostgreSQL;
//! `READERPOLL_ADMIN_TOKEN` turns on the admin API under /api/admin.

mod admin;
mod csv;
mod embed;
mod http;
mod limits;
mod listen;
mod live;
mod oembed;
mod store;
mod survey;

use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::http::{AppState, Config};
use crate::limits::RateLimiter;
use crate::store::Store;

const SEED: &str = include_str!("seed-polls.json");

struct Args {
    words: Vec<String>,
    addr: String,
    www: PathBuf,
    db: PathBuf,
    csp: bool,
    rate: f64,
    trusted: Vec<IpAddr>,
    origins: Vec<String>,
    csv: bool,
    jsonl: bool,
    body_timeout: f64,
    header_timeout: f64,
    max_header_bytes: usize,
    max_connections: usize,
    public_url: Option<String>,
}

/// Seconds from a command-line value, within (0, 600].
fn seconds(name: &str, text: String) -> Result<f64, String> {
    text.parse()
        .ok()
        .filter(|s: &f64| *s > 0.0 && *s <= 600.0)
        .ok_or_else(|| format!("{name} takes seconds (more than 0, at most 600)"))
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        words: Vec::new(),
        addr: "127.0.0.1:8080".into(),
        www: "www".into(),
        db: "data/readerpoll.sqlite3".into(),
        csp: std::env::var("READERPOLL_CSP").is_ok_and(|v| v == "1"),
        rate: 5.0,
        trusted: Vec::new(),
        origins: Vec::new(),
        csv: false,
        jsonl: false,
        body_timeout: 10.0,
        header_timeout: 10.0,
        max_header_bytes: 16 * 1024,
        max_connections: 4096,
        public_url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--addr" => args.addr = value("--addr")?,
            "--www" => args.www = value("--www")?.into(),
            "--db" => args.db = value("--db")?.into(),
            "--csp" => args.csp = true,
            "--csv" => args.csv = true,
            "--jsonl" => args.jsonl = true,
            "--rate-limit" => {
                args.rate = value("--rate-limit")?
                    .parse()
                    .map_err(|_| "--rate-limit takes votes per second (0 turns it off)")?
            }
            "--trusted-proxy" => args.trusted.push(
                value("--trusted-proxy")?
                    .parse()
                    .map_err(|_| "--trusted-proxy takes an IP address")?,
            ),
            "--allow-origin" => {
                let origin = value("--allow-origin")?;
                let normal = store::normal_origin(&origin).ok_or_else(|| {
                    format!(
                        "--allow-origin takes an origin like https://news.example (got {origin})"
                    )
                })?;
                args.origins.push(normal)
            }
            "--body-timeout" => {
                args.body_timeout = seconds("--body-timeout", value("--body-timeout")?)?
            }
            "--header-timeout" => {
                args.header_timeout = seconds("--header-timeout", value("--header-timeout")?)?
            }
            "--max-header-bytes" => {
                args.max_header_bytes = value("--max-header-bytes")?
                    .parse()
                    .ok()
                    .filter(|n| (1024..=1024 * 1024).contains(n))
                    .ok_or("--max-header-bytes takes a size in bytes (1024 to 1048576)")?
            }
            "--max-connections" => {
                args.max_connections = value("--max-connections")?
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or("--max-connections takes a count (1 to 1000000)")?
            }
            "--public-url" => {
                let url = value("--public-url")?;
                let origin = store::normal_origin(&url).ok_or_else(|| {
                    format!("--public-url takes the site's origin, like https://polls.example (got {url})")
                })?;
                args.public_url = Some(origin)
            }
            "-h" | "--help" => args.words = vec!["help".into()],
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => args.words.push(other.into()),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("readerpoll-server: {e}");
            return ExitCode::from(2);
        }
    };
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["serve"] | [] => serve(&args),
        ["poll", "add", file] => poll_add(&args, file),
        ["poll", "list"] => poll_list(&args),
        ["poll", "close", id] => poll_close(&args, id),
        ["poll", "export", id] if args.csv || args.jsonl => poll_export(&args, id),
        _ => {
            eprintln!("usage: readerpoll-server serve [--addr A] [--www DIR] [--db FILE] [--csp] [--rate-limit N]");
            eprintln!("         [--trusted-proxy IP]... [--allow-origin URL]... [--public-url URL] [--body-timeout S]");
            eprintln!("         [--header-timeout S] [--max-header-bytes N] [--max-connections N]   (README, \"Hardening\")");
            eprintln!("       readerpoll-server poll add FILE.json | list | close ID | export ID --csv|--jsonl [--db FILE]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("readerpoll-server: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The database: PostgreSQL when `DATABASE_URL` says so, else SQLite.
async fn open_store(args: &Args) -> Result<Store, String> {
    let url = std::env::var("DATABASE_URL").ok();
    Store::open(url.as_deref(), &args.db, SEED).await
}

/// The poll store and the survey store beside it.
async fn open_stores(args: &Args) -> Result<(Store, survey::Surveys), String> {
    let store = open_store(args).await?;
    let surveys = survey::Surveys::open(&store).await?;
    Ok((store, surveys))
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn serve(args: &Args) -> Result<(), String> {
    let open_files = listen::raise_open_files_limit();
    runtime()?.block_on(async move {
        let store = open_store(args).await?;
        let backend = store.backend();
        let surveys = survey::Surveys::open(&store).await?;
        survey::seed(&surveys, SEED).await?;
        let listener = tokio::net::TcpListener::bind(&args.addr)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        // Without --public-url the server's own origin is the address it
        // listens on: oEmbed then describes only its own pages.
        let public_origin = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let state = Arc::new(AppState {
            store,
            surveys,
            limiter: RateLimiter::new(args.rate, (args.rate * 4.0).max(10.0)),
            config: Config {
                www: args.www.clone(),
                csp: args.csp,
                trusted_proxies: args.trusted.clone(),
                allowed_origins: args.origins.clone(),
                admin_token: std::env::var("READERPOLL_ADMIN_TOKEN")
                    .ok()
                    .filter(|t| !t.is_empty()),
                body_timeout: std::time::Duration::from_secs_f64(args.body_timeout),
                public_origin,
                origin_from_host: args.public_url.is_none(),
            },
        });
        let limits = listen::ConnectionLimits {
            header_timeout: std::time::Duration::from_secs_f64(args.header_timeout),
            max_header_bytes: args.max_header_bytes,
            max_connections: listen::connection_cap(args.max_connections, open_files),
        };
        println!("readerpoll listening on http://{local}");
        let _ = std::io::stdout().flush();
        tracing::info!(addr = %local, backend, ?limits, open_files, "serving");
        listen::serve(listener, http::router(state), limits).await;
        Ok(())
    })
}

fn poll_add(args: &Args, file: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    runtime()?.block_on(async {
        let (store, surveys) = open_stores(args).await?;
        let id = survey::add_definition(&store, &surveys, &text)
            .await
            .map_err(|e| e.to_string())?;
        println!("added {id}");
        Ok(())
    })
}

fn poll_list(args: &Args) -> Result<(), String> {
    runtime()?.block_on(async {
        let (store, surveys) = open_stores(args).await?;
        let now = store::now_seconds();
        let state = |open: bool| if open { "open" } else { "closed" };
        for p in store.list().await? {
            println!(
                "{}\t{}\t{} voters\t{}",
                p.poll.id,
                state(p.open_at(now)),
                p.tally.voters,
                p.poll.question
            );
        }
        for s in surveys.list().await? {
            println!(
                "{}\t{}\t{} respondents\t{}",
                s.survey.id,
                state(s.open_at(now)),
                s.tally.respondents,
                s.survey.title.as_deref().unwrap_or("(survey)")
            );
        }
        Ok(())
    })
}

fn poll_close(args: &Args, id: &str) -> Result<(), String> {
    runtime()?.block_on(async {
        let (store, surveys) = open_stores(args).await?;
        if store.close(id).await? || surveys.close(id).await? {
            println!("closed {id}");
            Ok(())
        } else {
            Err(format!("no poll or survey {id}"))
        }
    })
}

fn poll_export(args: &Args, id: &str) -> Result<(), String> {
    let (poll, survey) = runtime()?.block_on(async {
        let (store, surveys) = open_stores(args).await?;
        match store.get(id).await? {
            Some(p) => Ok::<_, String>((Some(p), None)),
            None => match surveys.get(id).await? {
                Some(s) => {
                    let responses = surveys.responses(id).await?;
                    Ok((None, Some((s, responses))))
                }
                None => Ok((None, None)),
            },
        }
    })?;
    if let Some((s, responses)) = survey {
        let out = if args.jsonl {
            survey::export::json_lines(&s.survey, &responses)
        } else {
            survey::export::csv(&s.survey, &responses)
        };
        print!("{out}");
        return Ok(());
    }
    let p = poll.ok_or_else(|| format!("no poll or survey {id}"))?;
    let shares = readerpoll::core::share::shares(
        p.poll.mode,
        &p.tally.counts,
        p.tally.voters,
        readerpoll::core::share::PERCENT,
    );
    let header = ["option_id", "label", "votes", "percent"];
    println!("{}", header.map(csv::csv_cell).join(","));
    for ((o, c), s) in p.poll.options.iter().zip(&p.tally.counts).zip(&shares) {
        println!(
            "{},{},{c},{s}",
            csv::csv_cell(&o.id),
            csv::csv_cell(&o.label)
        );
    }
    println!("voters,,{},", p.tally.voters);
    Ok(())
}
