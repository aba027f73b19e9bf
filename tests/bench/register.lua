-- register.lua: POST /api/v1/registrations with a unique attendee per request.
--
--   wrk -s tests/bench/register.lua URL -- RUNTAG
--
-- RUNTAG keeps emails distinct between wrk runs against the same database;
-- setup() gives each thread its own id, and a per-thread counter plus
-- math.random make every body unique. done() prints one machine-readable
-- line, "BENCH key=value ...", that run.sh parses.

local threads = {}
local counter = 0
local tag = "x"

function setup(thread)
	thread:set("id", #threads + 1)
	table.insert(threads, thread)
end

function init(args)
	tag = args[1] or "x"
	-- id is set by setup() before init() runs in this thread's Lua state
	math.randomseed(os.time() * 1000 + (id or 0))
	ok2xx, non2xx = 0, 0
	statuses = {}
end

local headers = { ["Content-Type"] = "application/json" }
local fmt = '{"ticket_type": 1, "privacy_accepted": true, ' ..
	'"contact": {"first_name": "Bench", "last_name": "Tester %s", ' ..
	'"email": "%s", "company": "Bench AB"}, ' ..
	'"attendees": [{"first_name": "Bench", "last_name": "Tester %s", ' ..
	'"email": "%s", "company": "Bench AB", "job_title": "Load", ' ..
	'"listed": false}]}'

function request()
	counter = counter + 1
	local n = string.format("%d-%d", id or 0, counter)
	local email = string.format("bench-%s-%s-%d@example.se", tag, n,
		math.random(1, 999999999))
	local body = string.format(fmt, n, email, n, email)
	return wrk.format("POST", "/api/v1/registrations", headers, body)
end

function response(status, hdrs, body)
	if status >= 200 and status < 300 then
		ok2xx = ok2xx + 1
	else
		non2xx = non2xx + 1
		statuses[status] = (statuses[status] or 0) + 1
		if non2xx <= 3 then
			io.stderr:write(string.format("register.lua: HTTP %d: %s\n",
				status, string.sub((body or ""):gsub("%s+", " "), 1, 300)))
		end
	end
end

function done(summary, latency, requests)
	local ok, bad, codes = 0, 0, {}
	for _, t in ipairs(threads) do
		ok = ok + (t:get("ok2xx") or 0)
		bad = bad + (t:get("non2xx") or 0)
		local s = t:get("statuses")
		if s then
			for k, v in pairs(s) do codes[k] = (codes[k] or 0) + v end
		end
	end
	local cl = {}
	for k, v in pairs(codes) do table.insert(cl, k .. ":" .. v) end
	table.sort(cl)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
		"requests=%d ok2xx=%d non2xx=%d codes=%s sock_errors=%d " ..
		"timeouts=%d\n",
		summary.requests / secs, latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, summary.requests, ok, bad,
		(#cl > 0 and table.concat(cl, ",") or "-"),
		e.connect + e.read + e.write, e.timeout))
end
