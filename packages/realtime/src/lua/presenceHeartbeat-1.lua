--[[
  Renews a pod's presence lease on Redis's clock, so pods with skewed clocks agree on
  which leases lapsed. A lease that is gone was claimed by a sweep (the pod stalled past
  it): it is not recreated here, because the sweep also took the pod's sockets out of the
  counts; the pod must put them back with presenceRecount, which takes the lease again.

  KEYS[1] pod leases  {prefix}:{presence}:pods
  ARGV[1] podId
  ARGV[2] lease in ms
  ARGV[3] '1' to take the lease whether or not it exists (the pod's first renewal, after it
          claimed its previous life), else ''

  Returns 1 when the lease is held now, 0 when it was lost to a sweep.
]]
if ARGV[3] ~= '1' and not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return 0
end
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])
return 1
