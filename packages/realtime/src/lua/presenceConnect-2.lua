--[[
  Counts one more socket of a user on a pod.

  KEYS[1] the pod's sockets hash  {prefix}:{presence}:pod:<podId>  (userId -> sockets)
  KEYS[2] cluster-wide counts     {prefix}:{presence}:online        (userId -> sockets)
  ARGV[1] userId

  Returns the user's socket count across the cluster (1 = just came online).
]]
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
