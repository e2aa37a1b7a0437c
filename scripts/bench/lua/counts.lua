-- @module scripts/bench/lua/counts
-- Shared by count.lua and unique.lua (loaded with dofile from the same folder):
-- counts responses by status and X-Cache in every thread, and prints the totals
-- as one `BENCH_JSON {...}` line when wrk is done.
threads = {}
counts = {}

function track(thread)
  table.insert(threads, thread)
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
