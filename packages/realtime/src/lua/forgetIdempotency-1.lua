--[[
  Drops an idempotency entry, but only if it still points at the given message, so a
  send whose seq collided after a counter reset can allocate afresh without erasing a
  newer allocation.

  KEYS[1] idempotency key
  ARGV[1] messageId the entry must hold

  Returns 1 when dropped, 0 otherwise.
]]
local seen = redis.call('GET', KEYS[1])
if seen and string.sub(seen, 1, string.len(ARGV[1])) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
