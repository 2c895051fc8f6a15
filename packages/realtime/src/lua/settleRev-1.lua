--[[
  A change's write finished (or was given up): its rev is no longer in flight.

  KEYS[1] revs in flight  {prefix}:{r:<roomId>}:revs
  ARGV[1] rev

  Returns 1 when it was in flight, 0 otherwise.
]]
return redis.call('ZREM', KEYS[1], ARGV[1])
