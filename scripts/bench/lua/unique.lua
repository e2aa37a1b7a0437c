-- @module scripts/bench/lua/unique
-- The render path: every request gets its own harmless query parameter
-- (`_b=<thread>-<n>`), so the edge cache (keyed by the full URL) never has a
-- copy and the Worker queries D1 and renders each time. Routes ignore unknown
-- parameters. The first script argument is a nonce that differs per wrk
-- run, so a run never repeats an earlier run's URLs. Counts responses like
-- count.lua.
local threads = {}
tid = 0
counts = {}
local n = 0
local nonce = "x"

function init(args)
  nonce = args[1] or "x"
end

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end

function request()
  n = n + 1
  local p = wrk.path
  local sep = string.find(p, "?", 1, true) and "&" or "?"
  return wrk.format(nil, p .. sep .. "_b=" .. nonce .. "-" .. tostring(tid) .. "-" .. tostring(n))
end

function response(status, headers, body)
  local key = tostring(status) .. "/" .. (headers["X-Cache"] or "-")
  counts[key] = (counts[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format("%q:%d", k, v)) end
  io.write("BENCH_JSON {\"status\":{" .. table.concat(parts, ",") .. "}}\n")
end
