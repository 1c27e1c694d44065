-- wrk script of `make loadtest` (bench/loadtest.py). Rotates through the file named by
-- LOADTEST_ROTATION ("KIND PATH" a line), and prints the run as one JSON line: wrk's totals and
-- socket errors, per page kind the requests sent, every response status and the latency, and
-- per WINDOW seconds of the run the responses and the slowest one.
--
-- wrk runs one connection per thread (-t equal to -c), so the response a thread sees always
-- answers the request that thread sent last: that is how a status and a time get their kind.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } loadtest_timespec;
int clock_gettime(int clock_id, loadtest_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local WINDOW_US = 10e6
-- Responses slower than wrk's --timeout (LOADTEST_TIMEOUT_US) are counted as "KIND late": wrk's
-- own timeout count adds one every 2 s for each request still unanswered past it.
local LATE_US = tonumber(os.getenv("LOADTEST_TIMEOUT_US"))
local clock = ffi.new("loadtest_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

local kinds, paths, kind_names, seen_kind = {}, {}, {}, {}
for line in io.lines(os.getenv("LOADTEST_ROTATION")) do
  local kind, path = line:match("^(%S+)%s+(%S+)$")
  if kind then
    kinds[#kinds + 1] = kind
    paths[#paths + 1] = path
    if not seen_kind[kind] then
      seen_kind[kind] = true
      kind_names[#kind_names + 1] = kind
    end
  end
end

-- Main state: the threads, so done() can collect what each one counted.
local threads = {}

function setup(thread)
  thread:set("offset", math.random(#paths))
  thread:set("run_start", now_us())
  threads[#threads + 1] = thread
end

-- Thread state. wrk copies only flat tables between states, hence one table of counts keyed
-- "KIND STATUS", "KIND sent" and "KIND late"; one array of latencies per kind (global
-- "latency_KIND"); and per window of the run the responses (window_counts) and the slowest
-- (window_max).
counts = {}
window_counts = {}
window_max = {}
local n, pending, started = 0, nil, 0

local function add(key)
  counts[key] = (counts[key] or 0) + 1
end

function request()
  n = n + 1
  local i = ((n + offset) % #paths) + 1
  pending = kinds[i]
  add(pending .. " sent")
  started = now_us()
  return wrk.format("GET", paths[i])
end

function response(status, headers, body)
  if pending == nil then return end
  add(pending .. " " .. status)
  local name = "latency_" .. pending
  local latencies = _G[name]
  if latencies == nil then
    latencies = {}
    _G[name] = latencies
  end
  local now = now_us()
  latencies[#latencies + 1] = now - started
  if now - started > LATE_US then add(pending .. " late") end
  local window = math.floor((now - run_start) / WINDOW_US) + 1
  window_counts[window] = (window_counts[window] or 0) + 1
  window_max[window] = math.max(window_max[window] or 0, now - started)
  pending = nil
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p / 100))]
end

function done(summary, latency, requests)
  local merged, all_latencies, windows, slowest = {}, {}, {}, {}
  for _, kind in ipairs(kind_names) do all_latencies[kind] = {} end
  for _, thread in ipairs(threads) do
    for key, count in pairs(thread:get("counts") or {}) do
      merged[key] = (merged[key] or 0) + count
    end
    for window, count in pairs(thread:get("window_counts") or {}) do
      windows[window] = (windows[window] or 0) + count
    end
    for window, value in pairs(thread:get("window_max") or {}) do
      slowest[window] = math.max(slowest[window] or 0, value)
    end
    for _, kind in ipairs(kind_names) do
      local into = all_latencies[kind]
      for _, value in ipairs(thread:get("latency_" .. kind) or {}) do into[#into + 1] = value end
    end
  end
  local per_kind = {}
  for _, kind in ipairs(kind_names) do
    local statuses = {}
    for key, count in pairs(merged) do
      local k, status = key:match("^(%S+) (%d+)$")
      if k == kind then statuses[#statuses + 1] = string.format('"%s": %d', status, count) end
    end
    local sorted = all_latencies[kind]
    table.sort(sorted)
    per_kind[#per_kind + 1] = string.format(
      '"%s": {"sent": %d, "late": %d, "statuses": {%s}, "p50_us": %d, "p99_us": %d, ' ..
      '"max_us": %d}',
      kind, merged[kind .. " sent"] or 0, merged[kind .. " late"] or 0,
      table.concat(statuses, ", "),
      percentile(sorted, 50), percentile(sorted, 99), sorted[#sorted] or 0)
  end
  local per_window = {}
  for window = 1, table.maxn(windows) do
    per_window[#per_window + 1] = string.format(
      '{"responses": %d, "max_us": %d}', windows[window] or 0, slowest[window] or 0)
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d, "status_over_399": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "kinds": {%s}, "windows": [%s]}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.timeout,
    e.status, latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(per_kind, ", "), table.concat(per_window, ", ")))
end
