//! One reader of the store per survey for all its live streams: a stream
//! subscribes to the survey's feed, and the feed's poller reads the survey
//! once a tick and hands the same state to every stream, so a thousand
//! readers on one survey cost one read a tick, not a thousand.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{watch, Notify};

/// A feed's latest read: its number (reads are numbered from 1 as they
/// start) and what it found, `None` once the survey is gone or the read
/// failed (the feed ends there, and so do its streams). `None` before the
/// first read is back.
type Reading<T> = Option<(u64, Option<T>)>;

/// One stream's view of a feed.
pub struct Feed<T> {
    rx: watch::Receiver<Reading<T>>,
    /// The first read this stream may be shown: one begun after it
    /// subscribed, so a new stream never starts with a state older than
    /// itself (a survey closed a moment ago shows as closed).
    from: u64,
}

impl<T: Clone> Feed<T> {
    /// The latest state, once a read recent enough for this stream is
    /// back; `None` when the survey is gone, the read failed or the feed
    /// stopped.
    pub async fn latest(&mut self) -> Option<T> {
        let from = self.from;
        let reading = self
            .rx
            .wait_for(|r| r.as_ref().is_some_and(|(n, _)| *n >= from))
            .await
            .ok()?;
        reading.as_ref()?.1.clone()
    }
}

/// A running feed as the registry keeps it.
struct Running<T> {
    rx: watch::Receiver<Reading<T>>,
    /// Reads begun so far.
    started: Arc<AtomicU64>,
    /// Asks the poller for a read now, for a stream that just joined.
    wake: Arc<Notify>,
}

/// The running feeds by survey id. A feed whose streams are all gone stops
/// at its next tick and leaves the registry.
pub struct Feeds<T> {
    interval: Duration,
    running: Arc<Mutex<HashMap<String, Running<T>>>>,
}

impl<T> Clone for Feeds<T> {
    fn clone(&self) -> Self {
        Feeds {
            interval: self.interval,
            running: self.running.clone(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> Feeds<T> {
    /// Feeds that read each survey every `interval`.
    pub fn new(interval: Duration) -> Feeds<T> {
        Feeds {
            interval,
            running: Arc::default(),
        }
    }

    /// The feed of survey `id`, started (reading with `read`) if none runs.
    pub fn subscribe<F, Fut>(&self, id: &str, read: F) -> Feed<T>
    where
        F: Fn() -> Fut + Send + 'static,
        Fut: Future<Output = Option<T>> + Send,
    {
        let Ok(mut running) = self.running.lock() else {
            let (_, rx) = watch::channel(Some((0, None)));
            return Feed { rx, from: 0 };
        };
        if let Some(feed) = running.get(id) {
            let started = feed.started.load(Ordering::SeqCst);
            // Once a read has begun, the one this stream needs is the next.
            if started > 0 {
                feed.wake.notify_one();
            }
            return Feed {
                rx: feed.rx.clone(),
                from: started + 1,
            };
        }
        let (tx, rx) = watch::channel(None);
        let feed = Running {
            rx: rx.clone(),
            started: Arc::default(),
            wake: Arc::default(),
        };
        let (started, wake) = (feed.started.clone(), feed.wake.clone());
        running.insert(id.to_owned(), feed);
        let (feeds, id) = (self.clone(), id.to_owned());
        tokio::spawn(async move { feeds.poll(id, tx, started, wake, read).await });
        Feed { rx, from: 1 }
    }

    /// The feed's poller: reads, sends, waits a tick (or for a new
    /// stream), until the survey is gone or no stream listens.
    async fn poll<F, Fut>(
        self,
        id: String,
        tx: watch::Sender<Reading<T>>,
        started: Arc<AtomicU64>,
        wake: Arc<Notify>,
        read: F,
    ) where
        F: Fn() -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        loop {
            let number = started.fetch_add(1, Ordering::SeqCst) + 1;
            let seen = read().await;
            let gone = seen.is_none();
            tx.send_replace(Some((number, seen)));
            if !gone {
                tokio::select! {
                    _ = tokio::time::sleep(self.interval) => {}
                    _ = wake.notified() => {}
                }
            }
            // Decided under the lock that subscribing takes, so no stream
            // joins a feed that is stopping. The registry's receiver is
            // the one left when every stream's is gone.
            let Ok(mut running) = self.running.lock() else {
                return;
            };
            if gone || tx.receiver_count() <= 1 {
                running.remove(&id);
                return;
            }
        }
    }

    /// How many feeds run.
    #[cfg(test)]
    fn running(&self) -> usize {
        self.running.lock().map(|r| r.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TICK: Duration = Duration::from_millis(500);

    /// A source that counts its reads and answers with the count.
    fn counting() -> (
        Arc<AtomicU64>,
        impl Fn() -> std::future::Ready<Option<u64>> + Clone + Send + 'static,
    ) {
        let reads = Arc::new(AtomicU64::new(0));
        let counter = reads.clone();
        let read = move || std::future::ready(Some(counter.fetch_add(1, Ordering::SeqCst) + 1));
        (reads, read)
    }

    #[tokio::test(start_paused = true)]
    async fn ten_streams_on_one_survey_cost_one_read_a_tick() {
        let feeds = Feeds::new(TICK);
        let (reads, read) = counting();
        let mut streams: Vec<_> = (0..10)
            .map(|_| feeds.subscribe("s", read.clone()))
            .collect();
        for feed in &mut streams {
            assert_eq!(feed.latest().await, Some(1));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        let tick = tokio::time::Instant::now();
        for feed in &mut streams {
            feed.rx.changed().await.unwrap();
            assert_eq!(feed.latest().await, Some(2));
        }
        assert_eq!(reads.load(Ordering::SeqCst), 2);
        assert_eq!(tick.elapsed(), TICK, "the second read came a tick later");
        // Another survey has a feed of its own.
        let mut other = feeds.subscribe("t", read.clone());
        assert_eq!(other.latest().await, Some(3));
        assert_eq!(feeds.running(), 2);
        // With its streams gone a feed stops, and reads no more.
        drop(streams);
        drop(other);
        while feeds.running() > 0 {
            tokio::time::sleep(TICK).await;
        }
        let stopped = reads.load(Ordering::SeqCst);
        tokio::time::sleep(TICK * 4).await;
        assert_eq!(reads.load(Ordering::SeqCst), stopped);
        // A new stream starts it again.
        let mut again = feeds.subscribe("s", read);
        assert_eq!(again.latest().await, Some(stopped + 1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stream_joining_a_running_feed_starts_from_a_read_of_its_own() {
        let feeds = Feeds::new(TICK);
        let (reads, read) = counting();
        let mut first = feeds.subscribe("s", read.clone());
        assert_eq!(first.latest().await, Some(1));
        let joined = tokio::time::Instant::now();
        let mut late = feeds.subscribe("s", read);
        assert_eq!(late.latest().await, Some(2), "not the read from before it");
        assert_eq!(joined.elapsed(), Duration::ZERO, "without waiting a tick");
        assert_eq!(first.latest().await, Some(2), "shared with the first");
        assert_eq!(reads.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_gone_survey_ends_its_feed() {
        let feeds: Feeds<u64> = Feeds::new(TICK);
        let mut feed = feeds.subscribe("s", || std::future::ready(None));
        assert_eq!(feed.latest().await, None);
        while feeds.running() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(feed.rx.changed().await.is_err(), "the feed has stopped");
        let mut late = feeds.subscribe("s", || std::future::ready(Some(7)));
        assert_eq!(late.latest().await, Some(7), "a new feed for a new stream");
    }
}
