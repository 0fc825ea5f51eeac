-- wrk script: send the session cookie, count answers by status, print p50 and p95 latency as JSON,
-- with the latency at every half percentile (quantiles_ms), so that the runs of several wrk
-- processes can be pooled into one distribution (benchmarks/harness.py).
-- wrk runs request() and response() in each thread's own Lua state and done() in another, so the
-- counts are kept per thread and read back through setup()'s thread handles; a redirect (to the
-- sign-in page, say) is a non-2xx answer, never a fast success.
-- BENCH_PATHS (optional): paths separated by spaces, requested in turn (a mix of pages).
local threads = {}
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do
  table.insert(paths, path)
end

setup = function(thread)
  table.insert(threads, thread)
end

local counter = 0
ok = 0
non2xx = 0
redirects = 0

request = function()
  local path = wrk.path
  if #paths > 0 then
    counter = counter + 1
    path = paths[(counter % #paths) + 1]
  end
  return wrk.format("GET", path, { ["Cookie"] = os.getenv("BENCH_COOKIE") })
end

response = function(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    non2xx = non2xx + 1
    if status >= 300 and status < 400 then
      redirects = redirects + 1
    end
  end
end

done = function(summary, latency, requests)
  local total_ok, total_non2xx, total_redirects = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_non2xx = total_non2xx + thread:get("non2xx")
    total_redirects = total_redirects + thread:get("redirects")
  end
  local quantiles = {}
  for step = 1, 200 do
    table.insert(quantiles, string.format("%.2f", latency:percentile(step / 2) / 1000))
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.2f, "requests_per_second": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "ok": %d, "non2xx": %d, "redirects": %d, "errors": %d, "quantiles_ms": [%s]}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    total_ok, total_non2xx, total_redirects,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    table.concat(quantiles, ", ")))
end
