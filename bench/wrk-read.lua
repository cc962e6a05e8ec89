-- wrk script: GET requests, counting answers by status code.
-- Prints a line starting with "RESULT" for scripts/bench-server.sh.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

status = {}

function response(code, headers, body)
  status[code] = (status[code] or 0) + 1
end

function done(summary, latency, requests)
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
  local active = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT completed=%d active_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f " ..
    "s2xx=%d non2xx=%d codes=%s connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
    summary.requests, active, summary.requests / active,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, ok, other, table.concat(codes, ","),
    e.connect, e.read, e.write, e.timeout))
end
