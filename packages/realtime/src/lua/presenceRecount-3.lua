--[[
  Puts a pod's sockets back after a sweep claimed its lease (the pod stalled past it), and
  takes the lease again. Idempotent: the pod's hash is set to the pod's own count of its
  sockets and the cluster-wide counts move by the difference, so sockets that connected or
  closed between the sweep and now (and were counted, or not, by presenceConnect and
  presenceDisconnect) are counted exactly once.

  KEYS[1] pod leases        {prefix}:{presence}:pods
  KEYS[2] counts            {prefix}:{presence}:online
  KEYS[3] the pod's sockets {prefix}:{presence}:pod:<podId>
  ARGV[1] podId (the pod KEYS[3] belongs to)
  ARGV[2] lease in ms
  ARGV[3..] userId, sockets, userId, sockets, ...: the pod's open sockets per user

  Returns {userId, ..., '', userId, ...}: the users this brought online, then the users it
  took offline (counted on this pod with no socket open here nor anywhere else).
]]
local counted = {}
local entries = redis.call('HGETALL', KEYS[3])
for i = 1, #entries, 2 do
  counted[entries[i]] = tonumber(entries[i + 1])
end
redis.call('DEL', KEYS[3])

local cameOnline = {}
local open = {}
for i = 3, #ARGV, 2 do
  local user, sockets = ARGV[i], tonumber(ARGV[i + 1])
  open[user] = true
  redis.call('HSET', KEYS[3], user, sockets)
  local diff = sockets - (counted[user] or 0)
  -- A total equal to the difference was zero before: the user just came online. Totals
  -- include this pod's count, so with sockets > 0 none can drop to zero here.
  if diff ~= 0 and redis.call('HINCRBY', KEYS[2], user, diff) == diff then
    table.insert(cameOnline, user)
  end
end

local wentOffline = {}
for i = 1, #entries, 2 do
  local user = entries[i]
  if not open[user] then
    local total = redis.call('HINCRBY', KEYS[2], user, -counted[user])
    if total <= 0 then
      redis.call('HDEL', KEYS[2], user)
      table.insert(wentOffline, user)
    end
  end
end

local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])

table.insert(cameOnline, '')
for _, user in ipairs(wentOffline) do
  table.insert(cameOnline, user)
end
return cameOnline
