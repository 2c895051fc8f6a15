--[[
  Marks a user typing in a room until a TTL, and says whether to tell the room: at most
  once per second per user and room, however fast keystrokes refresh it.

  KEYS[1] typing expiries    {prefix}:{typing}:exp   (member '<roomId>|<userId>' -> expiry, ms)
  KEYS[2] last announcement  {prefix}:{typing}:said  (field '<roomId>|<userId>' -> ms)
  ARGV[1] '<roomId>|<userId>'
  ARGV[2] TTL in ms
  ARGV[3] minimum ms between announcements

  Returns 1 when the room should be told isTyping: true, else 0.
]]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])
local said = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if nowMs - said >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[2], ARGV[1], nowMs)
  return 1
end
return 0
