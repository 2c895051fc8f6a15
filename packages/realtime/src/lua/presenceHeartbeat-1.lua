--[[
  Renews a pod's presence lease on Redis's clock, so pods with skewed clocks agree on
  which leases lapsed.

  KEYS[1] pod leases  {prefix}:{presence}:pods
  ARGV[1] podId
  ARGV[2] lease in ms
]]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])
return nowMs
