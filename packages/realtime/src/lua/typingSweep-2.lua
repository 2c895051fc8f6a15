--[[
  Claims typing entries whose TTL lapsed, atomically, so exactly one pod tells each room
  isTyping: false, even when the typist's own pod is gone.

  KEYS[1] typing expiries    {prefix}:{typing}:exp
  KEYS[2] last announcement  {prefix}:{typing}:said
  ARGV[1] max entries to claim

  Returns the claimed '<roomId>|<userId>' members.
]]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local lapsed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[1]))
if #lapsed > 0 then
  redis.call('ZREM', KEYS[1], unpack(lapsed))
  redis.call('HDEL', KEYS[2], unpack(lapsed))
end
return lapsed
