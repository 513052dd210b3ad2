-- wrk script for bench/iptables-load.sh: every request on its own connection (the backends speak
-- HTTP/1.0 and close; "Connection: close" says so), and one JSON line of what wrk measured.
wrk.headers["Connection"] = "close"

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "timeouts": %d, "bad_status": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
