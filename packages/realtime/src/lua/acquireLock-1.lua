--[[
  Takes a short lock if nobody holds it.

  KEYS[1] lock key   {prefix}:{r:<roomId>}:lock:<messageId>
  ARGV[1] holder token (random per attempt)
  ARGV[2] lease in ms: a holder that dies frees the lock when it lapses

  Returns 1 when taken, 0 when held by another.
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 1
end
return 0
