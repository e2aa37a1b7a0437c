-- @module scripts/bench/lua/count
-- Same request every time; counts responses by status and X-Cache so the
-- report can prove which path was measured (HIT = edge cache, MISS = rendered).
local threads = {}
counts = {}

function setup(thread)
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
