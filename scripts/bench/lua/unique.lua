-- @module scripts/bench/lua/unique
-- The render path: every request gets its own harmless query parameter
-- (`_b=<thread>-<n>`), so the edge cache (keyed by the full URL) never has a
-- copy and the Worker queries D1 and renders each time. Routes ignore unknown
-- parameters. The first script argument is a nonce that differs per wrk
-- run, so a run never repeats an earlier run's URLs. Counts responses like
-- count.lua (counts.lua).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "counts.lua")
tid = 0
local n = 0
local nonce = "x"

function init(args)
  nonce = args[1] or "x"
end

function setup(thread)
  tid = tid + 1
  thread:set("tid", tid)
  track(thread)
end

function request()
  n = n + 1
  local p = wrk.path
  local sep = string.find(p, "?", 1, true) and "&" or "?"
  return wrk.format(nil, p .. sep .. "_b=" .. nonce .. "-" .. tostring(tid) .. "-" .. tostring(n))
end
