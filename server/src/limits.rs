//! Per-client rate limiting, in memory (nothing about readers is stored).
//!
//! The client is the socket's peer address, unless the operator names
//! trusted proxies: then it is the right-most `X-Forwarded-For` hop that is
//! not a trusted proxy, which a client cannot forge.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A token bucket per client: `burst` requests at once, refilled at `rate`
/// per second.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(rate: f64, burst: f64) -> Self {
        RateLimiter {
            rate,
            burst,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok` to go ahead, or `Err(seconds)` to wait before trying again.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        if buckets.len() > 100_000 {
            // Forget idle clients rather than grow without bound.
            let burst = self.burst;
            let rate = self.rate;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(client).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            let wait = Duration::from_secs_f64((1.0 - *tokens) / self.rate);
            Err(wait.as_secs().max(1))
        }
    }
}

/// The client address: the peer, or with trusted proxies the right-most
/// forwarded hop that is not one of them.
pub fn client_ip(peer: IpAddr, forwarded_for: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    if trusted.is_empty() || !trusted.contains(&peer) {
        return peer;
    }
    let Some(header) = forwarded_for else {
        return peer;
    };
    let mut client = peer;
    for hop in header.rsplit(',') {
        match hop.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => {
                client = ip;
                break;
            }
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_ignored_without_trusted_proxies() {
        let peer: IpAddr = "10.0.0.9".parse().unwrap();
        assert_eq!(client_ip(peer, Some("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn rightmost_untrusted_hop_wins() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let peer = proxy;
        let got = client_ip(peer, Some("6.6.6.6, 1.2.3.4, 10.0.0.1"), &[proxy]);
        assert_eq!(got, "1.2.3.4".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn bucket_refuses_past_the_burst() {
        let limiter = RateLimiter::new(1.0, 3.0);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert!(limiter.check(ip).is_ok());
        assert_eq!(limiter.check(ip), Err(1));
    }
}
