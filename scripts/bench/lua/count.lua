-- @module scripts/bench/lua/count
-- Same request every time; counts responses by status and X-Cache so the
-- report can prove which path was measured (HIT = edge cache, MISS = rendered).
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "counts.lua")

function setup(thread)
  track(thread)
end
