--[[
  Clears a user's typing in a room.

  KEYS[1] typing expiries    {prefix}:{typing}:exp
  KEYS[2] last announcement  {prefix}:{typing}:said
  ARGV[1] '<roomId>|<userId>'

  Returns 1 when the user was typing (the room should be told isTyping: false), else 0.
]]
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('ZREM', KEYS[1], ARGV[1])
