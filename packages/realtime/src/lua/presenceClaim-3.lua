--[[
  Claims one pod and takes its sockets out of the cluster-wide counts, in one atomic step.
  The lease is checked again here: it may have been renewed, or claimed by another sweeper,
  since presenceLapsed listed it; so however many pods sweep, exactly one learns who went
  offline.

  KEYS[1] pod leases        {prefix}:{presence}:pods       (podId -> lease expiry, ms)
  KEYS[2] counts            {prefix}:{presence}:online     (userId -> sockets)
  KEYS[3] the pod's sockets {prefix}:{presence}:pod:<podId> (userId -> sockets)
  ARGV[1] podId (the pod KEYS[3] belongs to)
  ARGV[2] '1' to claim it whatever its lease (this pod at start, whose previous life's
          sockets are gone, or leaving for good), else ''

  Returns {claimed, userId, ...}: claimed is 1 or 0, followed by the users the claim took
  offline (those with no socket left on any other pod).
]]
if ARGV[2] ~= '1' then
  local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
  if not expiry then
    return {0}
  end
  local now = redis.call('TIME')
  local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  if tonumber(expiry) > nowMs then
    return {0}
  end
end
redis.call('ZREM', KEYS[1], ARGV[1])
local entries = redis.call('HGETALL', KEYS[3])
redis.call('DEL', KEYS[3])
local out = {1}
for i = 1, #entries, 2 do
  local total = redis.call('HINCRBY', KEYS[2], entries[i], -tonumber(entries[i + 1]))
  if total <= 0 then
    redis.call('HDEL', KEYS[2], entries[i])
    table.insert(out, entries[i])
  end
end
return out
