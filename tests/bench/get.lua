-- get.lua: plain GET of the URL given to wrk; done() prints one
-- machine-readable "BENCH key=value ..." line for run.sh. No response()
-- callback, so wrk does not have to hand every body to Lua; errors.status
-- counts the answers with a status of 400 or more.

function done(summary, latency, requests)
	local e = summary.errors
	local secs = summary.duration / 1e6
	io.write(string.format("BENCH rps=%.1f p50_ms=%.3f p99_ms=%.3f " ..
		"requests=%d non2xx=%d sock_errors=%d timeouts=%d\n",
		summary.requests / secs, latency:percentile(50) / 1000,
		latency:percentile(99) / 1000, summary.requests, e.status,
		e.connect + e.read + e.write, e.timeout))
end
