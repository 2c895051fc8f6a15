--[[
  Lists pods whose lease lapsed, on Redis's clock. Reads only: claiming each one is
  presenceClaim's job, which is given every key it touches.

  KEYS[1] pod leases  {prefix}:{presence}:pods    (podId -> lease expiry, ms)
  ARGV[1] max pods to list

  Returns the lapsed podIds, oldest lease first.
]]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[1]))
