-- wrk script: send the session cookie, count non-2xx answers, print p50 and p95 server latency as JSON.
local non2xx = 0

request = function()
  return wrk.format("GET", wrk.path, { ["Cookie"] = os.getenv("BENCH_COOKIE") })
end

response = function(status, headers, body)
  if status < 200 or status >= 300 then
    non2xx = non2xx + 1
  end
end

done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "non2xx": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    non2xx, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
