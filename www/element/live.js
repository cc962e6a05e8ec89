// Live results (the `live` attribute, readerpoll protocol only): the server
// pushes tallies over an EventSource, which reconnects by itself after a
// network drop. reader-poll.js imports this only for a live poll, so other
// pages download none of it.

/**
 * This browser's voter token, which the wasm keeps under this name
 * (src/transport/memory.rs): with it, the server streams an `after_vote`
 * poll's numbers to a reader who voted, as its reads do. None where
 * storage is blocked; such a reader's numbers then come from their vote.
 */
function voter() {
  try {
    return localStorage.getItem('readerpoll:v2:voter');
  } catch {
    return null;
  }
}

/** Feeds the tallies at `url` to a mounted poll; the EventSource, or null. */
export function listen(url, handle) {
  if (typeof EventSource !== 'function') return null;
  const token = voter();
  const events = new EventSource(token ? `${url}?voter=${encodeURIComponent(token)}` : url);
  events.addEventListener('tally', (event) => {
    try {
      handle.applyUpdate(JSON.parse(event.data));
    } catch {
      // A malformed event changes nothing; the next one may be fine.
    }
  });
  return events;
}
