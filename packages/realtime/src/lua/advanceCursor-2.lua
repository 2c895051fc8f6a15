--[[
  Raises one member's delivered cursor in a room; a lower or equal seq changes nothing, so
  cursors never go backwards whatever order acks arrive in, and a seq past the room's last
  allocated one is capped there (a client cannot ack messages that do not exist yet).

  KEYS[1] cursor hash    {prefix}:{r:<roomId>}:dlv  (field userId -> seq)
  KEYS[2] room counters  {prefix}:{r:<roomId>}:ctr
  ARGV[1] userId
  ARGV[2] seq

  Returns the cursor as it now stands.
]]
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local top = tonumber(redis.call('HGET', KEYS[2], 'seq') or ARGV[2])
local seq = math.min(tonumber(ARGV[2]), top)
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%d', seq))
  return seq
end
return current
