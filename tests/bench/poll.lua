-- poll.lua: a dashboard polled the way pages poll it: each connection
-- asks again 20 ms after its answer (8 connections: about 400 requests a
-- second, as many as 400 open dashboards refreshing every second).
function delay()
	return 20
end
