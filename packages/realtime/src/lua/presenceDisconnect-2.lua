--[[
  Counts one socket of a user fewer on a pod. Does nothing if the pod's entry is already
  gone (a sweep declared the pod dead and took its sockets away already).

  KEYS[1] the pod's sockets hash  {prefix}:{presence}:pod:<podId>
  KEYS[2] cluster-wide counts     {prefix}:{presence}:online
  ARGV[1] userId

  Returns the user's remaining socket count across the cluster (0 = just went offline),
  or -1 when nothing was counted for this pod.
]]
local onPod = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if onPod <= 0 then
  return -1
end
if onPod == 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
else
  redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
end
local total = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
if total <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 0
end
return total
