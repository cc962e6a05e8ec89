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

dofile("bench/wrk-result.lua")

function done(summary, latency, requests)
  report(threads, summary, latency, summary.duration / 1e6)
end
