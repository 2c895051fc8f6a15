--[[
  Frees a lock, but only for its holder: one whose lease lapsed must not free a successor's.

  KEYS[1] lock key
  ARGV[1] holder token

  Returns 1 when freed, 0 otherwise.
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
