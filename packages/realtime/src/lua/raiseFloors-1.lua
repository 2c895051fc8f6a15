--[[
  Raises fields of a room's status-floor hash; a lower or equal value changes nothing, so two
  rollups of one room finishing in any order leave the higher floor.

  KEYS[1] floor hash  {prefix}:{r:<roomId>}:stf  (field status -> seq)
  ARGV    pairs: status, seq, status, seq, ...

  Returns how many fields were raised.
]]
local raised = 0
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  local seq = tonumber(ARGV[i + 1])
  if seq > current then
    redis.call('HSET', KEYS[1], ARGV[i], string.format('%d', seq))
    raised = raised + 1
  end
end
return raised
