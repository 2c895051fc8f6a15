--[[
  Allocates the next {seq, lamport, rev} of a room for one message, unless the sender already
  used this idempotency key in this room. A new message is a change too: it takes the room's
  next rev, the counter edits, deletes, reactions and pins share.

  KEYS[1] room counters hash  {prefix}:{r:<roomId>}:ctr   fields: seq, lamport, rev
  KEYS[2] idempotency key     {prefix}:{r:<roomId>}:idem:<senderId>:<key>
  ARGV[1] client lamport timestamp (integer >= 0)
  ARGV[2] idempotency TTL in seconds
  ARGV[3] messageId chosen by the caller (ObjectId hex)
  ARGV[4] createdAt in epoch milliseconds

  Returns
    {'dup', '<messageId>|<seq>|<lamport>|<createdAt>'}  the key was seen: the original allocation
    {'missing'}                                         the room's counters are gone: seed them first
    {'ok', seq, lamport, rev}                           allocated; the key now points to it
]]
local seen = redis.call('GET', KEYS[2])
if seen then
  return {'dup', seen}
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {'missing'}
end
local roomLamport = tonumber(redis.call('HGET', KEYS[1], 'lamport') or '0')
local clientLamport = tonumber(ARGV[1])
local lamport = math.max(roomLamport, clientLamport) + 1
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local rev = redis.call('HINCRBY', KEYS[1], 'rev', 1)
redis.call('HSET', KEYS[1], 'lamport', string.format('%d', lamport))
redis.call('SET', KEYS[2], ARGV[3] .. '|' .. seq .. '|' .. string.format('%d', lamport) .. '|' .. ARGV[4], 'EX', ARGV[2])
return {'ok', seq, string.format('%d', lamport), rev}
