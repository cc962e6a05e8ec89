-- wrk script: one POST per request, each with a key no other request uses.
-- Arguments (after --): TAG WINDOW_SECONDS [RATE THREADS]
--   TAG            prefix that makes keys unique across runs
--   WINDOW_SECONDS new votes are sent only during this window; afterwards
--                  every connection idles, so nothing is in flight when wrk
--                  stops and the server's count can be compared exactly.
--   RATE THREADS   votes per second over all THREADS threads (wrk -t);
--                  without them every connection sends its next vote as soon
--                  as it has an answer.
-- Prints a line starting with "RESULT" for scripts/bench-server.sh.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

local tag, window, deadline, interval, slot
local counter = 0
first, last, status = nil, nil, {}

function init(args)
  tag = args[1] or tostring(os.time())
  window = tonumber(args[2] or "10")
  first = now()
  deadline = first + window
  local rate = tonumber(args[3] or "")
  if rate and rate > 0 then
    interval = tonumber(args[4] or "1") / rate
  end
  slot = first
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function delay()
  local t = now()
  if t >= deadline then
    return 3600 * 1000
  end
  if not interval then
    return 0
  end
  slot = slot + interval
  return math.max(0, slot - t) * 1000
end

function request()
  counter = counter + 1
  local body = '{"choices":["6-10"],"key":"' .. tag .. "-" .. id .. "-" .. counter .. '","voter":""}'
  return wrk.format(nil, nil, nil, body)
end

function response(code, headers, body)
  status[code] = (status[code] or 0) + 1
  last = now()
end

dofile("bench/wrk-result.lua")

function done(summary, latency, requests)
  -- Seconds from the first vote sent to the last answer, over all threads
  -- (the drain after the window is not part of the rate).
  local t0, t1
  for _, thread in ipairs(threads) do
    local f, l = thread:get("first"), thread:get("last")
    if f and (t0 == nil or f < t0) then t0 = f end
    if l and (t1 == nil or l > t1) then t1 = l end
  end
  report(threads, summary, latency, (t0 and t1 and t1 > t0) and (t1 - t0) or (summary.duration / 1e6))
end
