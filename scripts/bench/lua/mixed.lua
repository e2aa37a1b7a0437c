-- @module scripts/bench/lua/mixed
-- Load test: each request is drawn at random from a file of real URLs
-- (`kind<TAB>path<TAB>etag`, written by the load suite from the database):
-- articles, category pages, feeds, 304 revalidations (If-None-Match with the
-- ETag fetched just before), share redirects and intended 404s. wrk gives no
-- request/response pairing, so requests are counted by kind and responses by
-- status; the suite compares the two.
local threads = {}
tid = 0
sent = {}
counts = {}
local urls = {}

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do
    local kind, path, etag = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    if kind then table.insert(urls, { kind = kind, path = path, etag = etag }) end
  end
  math.randomseed(1000 + tid)
end

function request()
  local u = urls[math.random(#urls)]
  sent[u.kind] = (sent[u.kind] or 0) + 1
  if u.etag ~= nil and u.etag ~= "" then
    return wrk.format("GET", u.path, { ["If-None-Match"] = u.etag })
  end
  return wrk.format("GET", u.path)
end

function response(status, headers, body)
  local key = tostring(status)
  counts[key] = (counts[key] or 0) + 1
end

local function merge(name)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get(name)) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format("%q:%d", k, v)) end
  return "{" .. table.concat(parts, ",") .. "}"
end

function done(summary, latency, requests)
  io.write("BENCH_JSON {\"status\":" .. merge("counts") .. ",\"sent\":" .. merge("sent") .. "}\n")
end
