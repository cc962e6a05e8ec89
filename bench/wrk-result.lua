-- Shared by the wrk scripts: merges the threads' answers by status code and
-- prints the "RESULT ..." line scripts/bench-server.sh reads. `active` is
-- the seconds requests were being answered. Loaded with dofile from the
-- repository root, where bench-server.sh runs wrk.

function report(threads, summary, latency, active)
  local merged = {}
  for _, thread in ipairs(threads) do
    for code, n in pairs(thread:get("status") or {}) do
      merged[code] = (merged[code] or 0) + n
    end
  end
  local ok, other, codes = 0, 0, {}
  for code, n in pairs(merged) do
    if code >= 200 and code < 300 then ok = ok + n else other = other + n end
    table.insert(codes, code .. ":" .. n)
  end
  table.sort(codes)
  local e = summary.errors
  io.write(string.format(
    "RESULT completed=%d active_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "s2xx=%d non2xx=%d codes=%s connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, active, summary.requests / active,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, ok, other, table.concat(codes, ","),
    e.connect, e.read, e.write, e.timeout))
end
