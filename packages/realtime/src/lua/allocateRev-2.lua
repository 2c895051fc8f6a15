--[[
  Allocates a room's next rev for a change to a stored message (edit, delete, reaction, pin,
  thread summary) and notes it as in flight until the change is written (settleRev), so a
  sync never reports a latestRev past a change that is still on its way to MongoDB.

  KEYS[1] room counters hash   {prefix}:{r:<roomId>}:ctr   fields: rev, changeRev (the newest rev a change took)
  KEYS[2] revs in flight       {prefix}:{r:<roomId>}:revs  (member: rev, score: allocation time in ms)

  Returns
    {'missing'}    the room's counters are gone: seed them first
    {'ok', rev}
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'missing'}
end
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'changeRev', rev)
local now = redis.call('TIME')
redis.call('ZADD', KEYS[2], tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000), rev)
return {'ok', rev}
