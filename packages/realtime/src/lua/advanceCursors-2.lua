--[[
  Raises members' delivered cursors in one room, for every (userId, seq) pair in ARGV: the
  acks a gateway received for the room within a few milliseconds, in one call instead of one
  each. A lower or equal seq changes nothing, so cursors never go backwards whatever order
  acks arrive in, and a seq past the room's last allocated one is capped there (a client
  cannot ack messages that do not exist yet).

  Without the room's counters (a room before its first send, or Redis lost its keys) the top
  is unknown: no cursor moves and the caller is told, so it can seed the counters from MongoDB
  and ask again. Taking the client's seq as the top would let `ack {seq: 1e12}` count every
  later message as delivered.

  KEYS[1] cursor hash    {prefix}:{r:<roomId>}:dlv  (field userId -> seq)
  KEYS[2] room counters  {prefix}:{r:<roomId>}:ctr
  ARGV    userId1, seq1, userId2, seq2, ...

  Returns {'ok' | 'missing', cursor1, cursor2, ...}: each member's cursor as it now stands
  ('missing': the room's counters are gone and every cursor is as it stood, unchanged).
]]
local top = redis.call('HGET', KEYS[2], 'seq')
local reply = {top and 'ok' or 'missing'}
for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if top then
    local seq = math.min(tonumber(ARGV[i + 1]), tonumber(top))
    if seq > current then
      redis.call('HSET', KEYS[1], ARGV[i], string.format('%d', seq))
      current = seq
    end
  end
  reply[#reply + 1] = string.format('%d', current)
end
return reply
