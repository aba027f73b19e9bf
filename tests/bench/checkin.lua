-- checkin.lua: wrk script for POST /api/v1/checkins with the pass codes of
-- a file, logged in through a cookie and CSRF token given in the
-- environment. BENCH_DELAY_MS paces each connection (a steady rate).
local codes = {}
local cookie = os.getenv("BENCH_COOKIE")
local csrf = os.getenv("BENCH_CSRF")
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_CODES")) do
    codes[#codes + 1] = line
  end
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
  wrk.method = "POST"
  wrk.path = "/api/v1/checkins"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = "tt_session=" .. cookie
  wrk.headers["X-CSRF-Token"] = csrf
  bad = 0
end

function request()
  local code = codes[math.random(#codes)]
  return wrk.format(nil, nil, nil, '{"code":"' .. code .. '","checkpoint":"main"}')
end

function delay()
  return delay_ms
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = 0
  for _, t in ipairs(threads) do errors = errors + (t:get("bad") or 0) end
  io.write(string.format("BENCH rps=%.1f p50=%.3f p99=%.3f requests=%d non200=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors))
end
