-- wrk script for scripts/bench: the request comes from the environment, the result leaves as
-- one machine-readable line, so the shell never scrapes wrk's human summary.
--
--   BENCH_METHOD          GET (default), POST, ...
--   BENCH_TOKEN           sent as "Authorization: Bearer <token>" when set
--   BENCH_IF_NONE_MATCH   sent as "If-None-Match" when set
--   BENCH_BODY            request body; adds "Content-Type: application/json"
--   BENCH_TALLY=1         count every response status (costs a Lua call per response)
--
-- Output (from done()):
--   BENCH requests=N duration_us=N rps=F p50_us=N p90_us=N p99_us=N max_us=N
--         non2xx3xx=N connect=N read=N write=N timeout=N bytes=N
--   BENCH_STATUS 200=N 404=N ...   (only with BENCH_TALLY=1)

local function env(name)
  local v = os.getenv(name)
  if v == nil or v == "" then return nil end
  return v
end

wrk.method = env("BENCH_METHOD") or "GET"
if env("BENCH_TOKEN") then wrk.headers["Authorization"] = "Bearer " .. env("BENCH_TOKEN") end
if env("BENCH_IF_NONE_MATCH") then wrk.headers["If-None-Match"] = env("BENCH_IF_NONE_MATCH") end
if env("BENCH_BODY") then
  wrk.body = env("BENCH_BODY")
  wrk.headers["Content-Type"] = "application/json"
end

local tally = env("BENCH_TALLY") == "1"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

if tally then
  statuses = {}
  function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "non2xx3xx=%d connect=%d read=%d write=%d timeout=%d bytes=%d\n",
    summary.requests, summary.duration, secs > 0 and summary.requests / secs or 0,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout, summary.bytes))
  if tally then
    local all = {}
    for _, t in ipairs(threads) do
      for code, n in pairs(t:get("statuses") or {}) do all[code] = (all[code] or 0) + n end
    end
    local codes = {}
    for code in pairs(all) do table.insert(codes, code) end
    table.sort(codes)
    local parts = {}
    for _, code in ipairs(codes) do table.insert(parts, string.format("%d=%d", code, all[code])) end
    io.write("BENCH_STATUS " .. table.concat(parts, " ") .. "\n")
  end
end
