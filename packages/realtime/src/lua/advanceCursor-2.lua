--[[
  Raises one member's delivered cursor in a room; a lower or equal seq changes nothing, so
  cursors never go backwards whatever order acks arrive in, and a seq past the room's last
  allocated one is capped there (a client cannot ack messages that do not exist yet).

  Without the room's counters (a room before its first send, or Redis lost its keys) the top
  is unknown: the cursor stays where it is and the caller is told, so it can seed the counters
  from MongoDB and ask again. Taking the client's seq as the top would let `ack {seq: 1e12}`
  count every later message as delivered.

  KEYS[1] cursor hash    {prefix}:{r:<roomId>}:dlv  (field userId -> seq)
  KEYS[2] room counters  {prefix}:{r:<roomId>}:ctr
  ARGV[1] userId
  ARGV[2] seq

  Returns
    {'ok', cursor}       the cursor as it now stands
    {'missing', cursor}  the room's counters are gone: the cursor as it stood, unchanged
]]
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local top = redis.call('HGET', KEYS[2], 'seq')
if not top then
  return {'missing', string.format('%d', current)}
end
local seq = math.min(tonumber(ARGV[2]), tonumber(top))
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', seq))
  return {'ok', string.format('%d', seq)}
end
return {'ok', string.format('%d', current)}
