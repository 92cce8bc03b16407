-- wrk script of the load benchmark (bench/load/wrk.py). One connection per wrk thread.
--
-- BENCH_WRK_REQUESTS names a file of requests, one per line: METHOD \t PATH \t TOKEN \t BODY
-- \t ETAG (TOKEN, BODY and ETAG may be empty; an ETAG is sent as If-None-Match, and the 304
-- it is answered counts as a success). Thread i of n sends lines i, i+n, i+2n, ... in turn, from
-- the start again when it runs out (BENCH_WRK_MODE=cycle) or, for one-use requests such as
-- refresh tokens, also from the start but counting each reuse as "exhausted".
-- BENCH_WRK_MODE=add_delete: each line is a POST adding a favorite; the id in a 201 answer is
-- deleted by the connection's next request.
-- done() prints one line: BENCH_WRK_JSON {...} with wrk's figures and ours (responses that
-- were not 2xx, by status; SQL statements from the X-Bench-Queries header).

local threads = {}
local counter = 0

function setup(thread)
   thread:set("thread_index", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

local requests = {}
local position = 0
local mode = "cycle"
local auth = {}
local pending_delete = nil
local last_was_add = false

non2xx = 0
responses = 0
queries = 0
queried = 0
exhausted = 0
statuses = ""
local status_counts = {}

local function split(line)
   local fields = {}
   for field in (line .. "\t"):gmatch("([^\t]*)\t") do
      table.insert(fields, field)
   end
   return fields
end

local function headers_for(token, body, etag)
   local headers = { Host = wrk.headers["Host"] }
   if etag ~= nil and etag ~= "" then
      headers["If-None-Match"] = etag
   end
   if token ~= nil and token ~= "" then
      headers["Authorization"] = "Bearer " .. token
   end
   if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/json"
   end
   return headers
end

function init(args)
   mode = os.getenv("BENCH_WRK_MODE") or "cycle"
   local index = tonumber(thread_index) or 0
   local total = tonumber(os.getenv("BENCH_WRK_THREADS")) or 1
   local n = 0
   for line in io.lines(os.getenv("BENCH_WRK_REQUESTS")) do
      if n % total == index then
         local f = split(line)
         local body = f[4] ~= "" and f[4] or nil
         table.insert(requests, wrk.format(f[1], f[2], headers_for(f[3], body, f[5]), body))
         table.insert(auth, f[3])
      end
      n = n + 1
   end
   if #requests == 0 then
      error("no request for thread " .. index)
   end
end

function request()
   if pending_delete ~= nil then
      local path = "/api/favorite-movies/" .. pending_delete .. "/"
      pending_delete = nil
      last_was_add = false
      return wrk.format("DELETE", path, headers_for(auth[1], nil), nil)
   end
   position = position + 1
   if position > #requests then
      position = 1
      if mode == "once" then
         exhausted = exhausted + 1
      end
   end
   last_was_add = (mode == "add_delete")
   return requests[position]
end

function response(status, headers, body)
   responses = responses + 1
   if (status < 200 or status > 299) and status ~= 304 then
      non2xx = non2xx + 1
      status_counts[status] = (status_counts[status] or 0) + 1
      local parts = {}
      for code, count in pairs(status_counts) do
         table.insert(parts, code .. ":" .. count)
      end
      statuses = table.concat(parts, ",")
   end
   local q = headers["X-Bench-Queries"] or headers["x-bench-queries"]
   if q ~= nil then
      queries = queries + tonumber(q)
      queried = queried + 1
   end
   if last_was_add and status == 201 then
      pending_delete = body:match('"id":%s*(%d+)')
   end
end

function done(summary, latency, requests)
   local total = { non2xx = 0, responses = 0, queries = 0, queried = 0, exhausted = 0 }
   local codes = {}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(total) do
         total[name] = total[name] + (tonumber(thread:get(name)) or 0)
      end
      local s = thread:get("statuses") or ""
      for code, count in s:gmatch("(%d+):(%d+)") do
         codes[code] = (codes[code] or 0) + tonumber(count)
      end
   end
   local code_parts = {}
   for code, count in pairs(codes) do
      table.insert(code_parts, string.format('"%s": %d', code, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_WRK_JSON {"duration_us": %d, "requests": %d, "bytes": %d, ' ..
      '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
      '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p95": %d, ' ..
      '"p99": %d, "p999": %d}, "non2xx": %d, "responses": %d, "queries": %d, "queried": %d, ' ..
      '"exhausted": %d, "statuses": {%s}}\n',
      summary.duration, summary.requests, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.max,
      latency:percentile(50), latency:percentile(90), latency:percentile(95),
      latency:percentile(99), latency:percentile(99.9),
      total.non2xx, total.responses, total.queries, total.queried, total.exhausted,
      table.concat(code_parts, ", ")))
end
