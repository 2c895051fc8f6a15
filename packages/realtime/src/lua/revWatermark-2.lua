--[[
  The highest rev below which every change of a room is written: the room's rev counter, or
  just below the oldest change still in flight. Entries older than ARGV[1] ms belong to
  writers that died mid-change and are dropped (their change never landed, or landed and
  was counted by the write itself).

  KEYS[1] room counters hash  {prefix}:{r:<roomId>}:ctr
  KEYS[2] revs in flight      {prefix}:{r:<roomId>}:revs
  ARGV[1] how long a change may stay in flight, ms

  Returns {'missing'} when the counters are gone, else {'ok', watermark, changeRev}: changeRev
  is the newest rev a change took (-1: not known, counters seeded before it was kept), so a
  sync from at or above it has no change to look for.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'missing'}
end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', nowMs - tonumber(ARGV[1]))
local watermark = tonumber(redis.call('HGET', KEYS[1], 'rev') or '0')
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local rev = tonumber(member) - 1
  if rev < watermark then
    watermark = rev
  end
end
return {'ok', watermark, tonumber(redis.call('HGET', KEYS[1], 'changeRev') or '-1')}
