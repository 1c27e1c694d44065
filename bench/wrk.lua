-- Rotates through the paths in the file named by BENCH_PATHS (one a line), and prints the
-- run's figures as one JSON line. With BENCH_STOP_AFTER, each thread stops after that many
-- responses (the memory run).
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local stop_after = tonumber(os.getenv("BENCH_STOP_AFTER") or "0")
local counter = 0
local seen = 0

function setup(thread)
  thread:set("offset", math.random(#paths))
end

function request()
  counter = counter + 1
  local path = paths[((counter + (offset or 0)) % #paths) + 1]
  return wrk.format("GET", path)
end

function response(status, headers, body)
  seen = seen + 1
  if stop_after > 0 and seen >= stop_after then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "non_2xx": %d, ' ..
    '"p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency.max))
end
