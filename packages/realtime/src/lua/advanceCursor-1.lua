--[[
  Raises one member's cursor in a room's cursor hash; a lower or equal seq changes nothing,
  so cursors never go backwards whatever order acks arrive in.

  KEYS[1] cursor hash  {prefix}:{r:<roomId>}:dlv  (field userId -> seq)
  ARGV[1] userId
  ARGV[2] seq

  Returns 1 when raised, 0 otherwise.
]]
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local seq = tonumber(ARGV[2])
if seq > current then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return 0
