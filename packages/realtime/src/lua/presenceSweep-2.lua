--[[
  Claims pods whose lease lapsed and takes their sockets out of the cluster-wide counts, in
  one atomic step, so exactly one sweeping pod learns who went offline.

  KEYS[1] pod leases  {prefix}:{presence}:pods    (podId -> lease expiry, ms)
  KEYS[2] counts      {prefix}:{presence}:online
  ARGV[1] key prefix of pod hashes, e.g. '<prefix>:{presence}:pod:'
  ARGV[2] a pod to claim regardless of its lease (this pod at start: a previous life's
          sockets are gone), or ''
  ARGV[3] max pods to claim

  Returns {podId, userId, userId, ..., '', podId, ...}: the claimed pods, each followed by
  the users it took offline; pods are separated by ''.
]]
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local pods = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowMs, 'LIMIT', 0, tonumber(ARGV[3]))
if ARGV[2] ~= '' then
  table.insert(pods, ARGV[2])
end
local out = {}
for _, pod in ipairs(pods) do
  redis.call('ZREM', KEYS[1], pod)
  local podKey = ARGV[1] .. pod
  local entries = redis.call('HGETALL', podKey)
  redis.call('DEL', podKey)
  table.insert(out, pod)
  for i = 1, #entries, 2 do
    local total = redis.call('HINCRBY', KEYS[2], entries[i], -tonumber(entries[i + 1]))
    if total <= 0 then
      redis.call('HDEL', KEYS[2], entries[i])
      table.insert(out, entries[i])
    end
  end
  table.insert(out, '')
end
return out
