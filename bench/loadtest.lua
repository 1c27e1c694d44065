-- wrk script of `make loadtest` (bench/loadtest.py). Rotates through the file named by
-- LOADTEST_ROTATION ("KIND PATH" a line). Each thread writes one line per response to
-- LOADTEST_OUT/thread-N.txt: "KIND STATUS LATENCY_US SINCE_START_US". At the end it prints wrk's
-- totals and socket errors as one JSON line; bench/loadtest.py reads both.
--
-- wrk runs one connection per thread (-t equal to -c), so the response a thread sees always
-- answers the request that thread sent last: that is how a status and a time get their kind.
-- The lines go to files rather than through thread:get(), which in wrk 4.1 pops one value too
-- many from the thread's stack for every table it copies (a crash after a few).
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } loadtest_timespec;
int clock_gettime(int clock_id, loadtest_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("loadtest_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local kinds, paths = {}, {}
for line in io.lines(os.getenv("LOADTEST_ROTATION")) do
  local kind, path = line:match("^(%S+)%s+(%S+)$")
  if kind then
    kinds[#kinds + 1] = kind
    paths[#paths + 1] = path
  end
end

-- Main state: numbers each thread and gives it a start in the rotation and the run's start.
local count = 0

function setup(thread)
  count = count + 1
  thread:set("id", count)
  thread:set("offset", math.random(#paths))
  thread:set("run_start", now_us())
end

-- Thread state.
local n, pending, started, out = 0, nil, 0, nil

function request()
  n = n + 1
  local i = ((n + offset) % #paths) + 1
  pending = kinds[i]
  started = now_us()
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if pending == nil then return end
  local now = now_us()
  if out == nil then
    out = assert(io.open(string.format("%s/thread-%d.txt", os.getenv("LOADTEST_OUT"), id), "w"))
  end
  out:write(string.format("%s %d %d %d\n", pending, status, now - started, now - run_start))
  pending = nil
end

-- The C library flushes the files when wrk exits, after this.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status_over_399": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(99), latency.max))
end
