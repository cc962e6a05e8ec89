//! `kill -9` in the middle of a load run: after a restart every vote the
//! server acknowledged is there, exactly once.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{backends, key, request, vote_json, Server};

#[test]
fn every_acknowledged_vote_survives_kill_9() {
    for b in backends("kill9") {
        let mut s = Server::start(&b, &["--rate-limit", "0"]);
        let addr = s.addr;
        let acked = Arc::new(Mutex::new(Vec::<String>::new()));
        let sent = Arc::new(Mutex::new(0u64));
        let stop = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let (acked, sent, stop) = (acked.clone(), sent.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let k = key();
                        *sent.lock().unwrap() += 1;
                        let body = vote_json(&["not-sure"], &k, "");
                        match request(
                            addr,
                            "POST",
                            "/api/polls/employer-caseloads/votes",
                            &[("content-type", "application/json")],
                            body.as_bytes(),
                        ) {
                            Ok(r) if r.status == 201 => acked.lock().unwrap().push(k),
                            Ok(r) => panic!("unexpected {} {}", r.status, r.body),
                            Err(_) => break, // the server died under us
                        }
                    }
                })
            })
            .collect();
        // Let some votes land, then kill the process without warning. A
        // worker that panicked (an unexpected answer) fails the test here
        // rather than leaving it waiting for votes that never come.
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        while acked.lock().unwrap().len() < 300 {
            if let Some(w) = workers.iter().position(|w| w.is_finished()) {
                stop.store(true, Ordering::Relaxed);
                s.kill();
                let outcome = workers.into_iter().nth(w).unwrap().join();
                panic!("a worker stopped before 300 votes were acknowledged ({b:?}): {outcome:?}");
            }
            assert!(
                std::time::Instant::now() < deadline,
                "fewer than 300 votes acknowledged in 120 s ({b:?})"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        s.kill();
        stop.store(true, Ordering::Relaxed);
        for w in workers {
            w.join().unwrap();
        }
        let acked = acked.lock().unwrap().clone();
        let sent = *sent.lock().unwrap();

        let s = Server::start(&b, &["--rate-limit", "0"]);
        let voters = s.get("/api/polls/employer-caseloads").json()["tally"]["voters"]
            .as_u64()
            .unwrap();
        let gained = voters - 564;
        assert!(
            gained >= acked.len() as u64 && gained <= sent,
            "{} acknowledged, {sent} sent, {gained} counted ({b:?})",
            acked.len()
        );
        // Each acknowledged key is known: replaying it counts nothing.
        for k in &acked {
            let r = s.vote("employer-caseloads", &vote_json(&["not-sure"], k, ""));
            assert_eq!(r.status, 200, "{k} was acknowledged but lost: {}", r.body);
        }
        let tally = s.get("/api/polls/employer-caseloads").json()["tally"].clone();
        assert_eq!(
            tally["voters"].as_u64(),
            Some(voters),
            "replays counted nothing"
        );
        assert_eq!(tally["counts"]["not-sure"].as_u64(), Some(34 + gained));
    }
}
