//! The accept loop: hyper's HTTP/1 server under the axum router, with the
//! limits a public server needs against clients that hold connections open
//! (a header-read deadline, which also closes idle kept-alive connections,
//! a cap on request-head size, and a cap on open connections) and a soft
//! open-files limit raised to the hard one, so the cap, not the process's
//! file table, is what turns connections away.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// Limits on connections, from the command line.
#[derive(Clone, Debug)]
pub struct ConnectionLimits {
    /// How long a request's head may take to arrive, counted from when the
    /// server starts waiting for it: from the accept, and on a kept-alive
    /// connection from the end of the previous answer (so it is also the
    /// idle timeout of kept-alive connections).
    pub header_timeout: Duration,
    /// Largest request line plus headers, in bytes; more is answered 431.
    pub max_header_bytes: usize,
    /// Connections open at once; one more is closed as soon as it is
    /// accepted.
    pub max_connections: usize,
}

/// Files the process keeps for itself beyond client connections: the
/// database and its journal, the listener, a PostgreSQL pool, static files.
const RESERVED_FILES: u64 = 128;

/// Raises the soft open-files limit to the hard limit and returns the new
/// soft limit (`None` when it cannot be read). The default soft limit of
/// 1,024 would let a thousand idle sockets starve the server of files.
pub fn raise_open_files_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = limit.rlim_max;
            } else {
                tracing::warn!("cannot raise the open-files limit");
            }
        }
    }
    Some(limit.rlim_cur)
}

/// The connection cap to use: the one asked for, but never so many that
/// the process would run out of files first.
pub fn connection_cap(asked: usize, open_files: Option<u64>) -> usize {
    match open_files {
        Some(files) => {
            let room = files.saturating_sub(RESERVED_FILES).max(1);
            let cap = (asked as u64).min(room) as usize;
            if cap < asked {
                tracing::warn!(
                    asked,
                    cap,
                    open_files = files,
                    "connection cap lowered to fit the open-files limit"
                );
            }
            cap
        }
        None => asked,
    }
}

/// Serves `app` on `listener` until Ctrl-C.
pub async fn serve(listener: TcpListener, app: Router, limits: ConnectionLimits) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_header_size(limits.max_header_bytes)
        .max_buf_size(limits.max_header_bytes.max(8192) + 8192);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of files, say: wait a moment rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            // Over the cap: closed at once, so the connections already
            // open keep their files and their answers.
            drop(tcp);
            continue;
        };
        // No Nagle: an answer written as headers, then body, would otherwise
        // wait for the client's delayed ACK of the headers (up to 40 ms on
        // Linux) before its body leaves.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY: {e}");
        }
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            let router = router.clone();
            async move {
                Ok::<_, Infallible>(router.oneshot(request).await.unwrap_or_else(|e| match e {}))
            }
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(tcp), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
    drop(listener);
    // Answers under way get a moment to finish; live streams do not end
    // by themselves, so the wait is bounded.
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}
