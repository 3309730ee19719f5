-- wrk script for bench-web.
--
-- With a file argument (`wrk ... URL -- tokens.txt`), each request carries the
-- next API token of the file in turn (`Authorization: Bearer …`), each wrk
-- thread starting at its own place, so the load is many users asking for
-- their own agendas. Without one, every request is wrk's plain request.
--
-- After the run, print one line "bench-web-result {json}" with the totals,
-- the error counts and the latency percentiles (microseconds).
local requests = nil
local turn = 0

-- (wrk runs its own wrk.init before this one.)
function init(args)
  if args[1] then
    requests = {}
    for token in io.lines(args[1]) do
      if token ~= "" then
        requests[#requests + 1] = wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. token })
      end
    end
    if #requests == 0 then
      error("no tokens in " .. args[1])
    end
    turn = math.random(#requests)
  end
end

function request()
  if requests then
    turn = turn % #requests + 1
    return requests[turn]
  end
  return wrk.request()
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'bench-web-result {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
