// Live results (the `live` attribute, readerpoll protocol only): the server
// pushes tallies over an EventSource, which reconnects by itself after a
// network drop. reader-poll.js imports this only for a live poll, so other
// pages download none of it.

/** Feeds the tallies at `url` to a mounted poll; the EventSource, or null. */
export function listen(url, handle) {
  if (typeof EventSource !== 'function') return null;
  const events = new EventSource(url);
  events.addEventListener('tally', (event) => {
    try {
      handle.applyUpdate(JSON.parse(event.data));
    } catch {
      // A malformed event changes nothing; the next one may be fine.
    }
  });
  return events;
}
