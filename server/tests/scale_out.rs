//! Several server processes on one PostgreSQL database count exactly.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use support::{key, request, vote_json, Backend, Server};

fn postgres() -> Option<Backend> {
    match std::env::var("READERPOLL_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(Backend::postgres(&url, "scale")),
        _ => {
            assert!(
                std::env::var("READERPOLL_REQUIRE_POSTGRES").is_err(),
                "READERPOLL_TEST_DATABASE_URL is not set"
            );
            eprintln!("no READERPOLL_TEST_DATABASE_URL: scale-out test not run");
            None
        }
    }
}

#[test]
fn two_processes_on_one_database_count_exactly() {
    let Some(b) = postgres() else { return };
    let first = Server::start(&b, &["--rate-limit", "0"]);
    let second = Server::start(&b, &["--rate-limit", "0"]);
    let addrs = [first.addr, second.addr];
    let counted = Arc::new(AtomicU64::new(0));
    let per_option: Arc<[AtomicU64; 4]> = Arc::new(Default::default());
    let options = ["1-5", "6-10", "11-15", "16-plus"];
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let (counted, per_option) = (counted.clone(), per_option.clone());
            std::thread::spawn(move || {
                for i in 0..100usize {
                    let addr = addrs[(t + i) % 2];
                    let choice = (t * 7 + i) % 4;
                    let k = key();
                    let body = vote_json(&[options[choice]], &k, &format!("voter-{t}-{i}"));
                    // Every vote is sent twice, once to each process.
                    for target in [addr, addrs[(t + i + 1) % 2]] {
                        let r = request(
                            target,
                            "POST",
                            "/api/polls/overtime-hours/votes",
                            &[("content-type", "application/json")],
                            body.as_bytes(),
                        )
                        .unwrap();
                        match r.status {
                            201 => {
                                counted.fetch_add(1, Ordering::Relaxed);
                                per_option[choice].fetch_add(1, Ordering::Relaxed);
                            }
                            200 => {}
                            other => panic!("{other}: {}", r.body),
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        counted.load(Ordering::Relaxed),
        800,
        "each vote counted once"
    );
    let seed = [93u64, 184, 134, 170];
    for s in [&first, &second] {
        let tally = s.get("/api/polls/overtime-hours").json()["tally"].clone();
        assert_eq!(tally["voters"].as_u64(), Some(581 + 800));
        for (i, id) in options.iter().enumerate() {
            assert_eq!(
                tally["counts"][id].as_u64(),
                Some(seed[i] + per_option[i].load(Ordering::Relaxed)),
                "{id}"
            );
        }
    }
    // One vote per voter token holds across processes too.
    let r = first.vote("overtime-hours", &vote_json(&["1-5"], &key(), "voter-0-0"));
    assert_eq!(r.status, 409);
    let r = second.vote("overtime-hours", &vote_json(&["1-5"], &key(), "voter-0-1"));
    assert_eq!(r.status, 409);
}
