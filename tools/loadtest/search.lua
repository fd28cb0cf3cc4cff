-- wrk script: rotates over the bench queries (one per line; QUERIES names the file, default ../shared/bench/queries.txt
-- from the repository root); every request is a search with highlighted snippets (pageSize 10).
--   wrk -t2 -c16 -d60s -s tools/loadtest/search.lua http://127.0.0.1:5091
local queries = {}
local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for line in io.lines(os.getenv("QUERIES") or "../shared/bench/queries.txt") do
  if #line > 0 then queries[#queries + 1] = "/api/v1/search?pageSize=10&q=" .. urlencode(line) end
end
local i = 0
setup = function(thread) thread:set("offset", math.random(1, #queries)) end
request = function()
  i = i + 1
  return wrk.format("GET", queries[((i + (offset or 0)) % #queries) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, req/s %.1f, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, socket errors %d/%d/%d/%d, non-2xx %d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
