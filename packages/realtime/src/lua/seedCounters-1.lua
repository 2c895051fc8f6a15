--[[
  Re-seeds a room's counters after Redis lost them, never lowering what Redis holds now
  (another pod may have seeded and allocated in between).

  KEYS[1] room counters hash  {prefix}:{r:<roomId>}:ctr
  ARGV[1] highest stored seq of the room (from MongoDB)
  ARGV[2] highest stored lamport of the room (from MongoDB)
  ARGV[3] highest stored rev of the room (from MongoDB)

  The newest change's rev is not known after a loss: every stored rev is taken for one, so
  syncs look for changes until their clients are past what was stored.

  Returns {seq, lamport, rev} as now held.
]]
local seq = math.max(tonumber(redis.call('HGET', KEYS[1], 'seq') or '0'), tonumber(ARGV[1]))
local lamport = math.max(tonumber(redis.call('HGET', KEYS[1], 'lamport') or '0'), tonumber(ARGV[2]))
local rev = math.max(tonumber(redis.call('HGET', KEYS[1], 'rev') or '0'), tonumber(ARGV[3]))
local changeRev = math.max(tonumber(redis.call('HGET', KEYS[1], 'changeRev') or '0'), tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'seq', string.format('%d', seq), 'lamport', string.format('%d', lamport), 'rev', string.format('%d', rev),
  'changeRev', string.format('%d', changeRev))
return {string.format('%d', seq), string.format('%d', lamport), string.format('%d', rev)}
