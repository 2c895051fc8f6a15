-- claimAndPublish for Redis 7 sharded pub/sub: the same claim, the messages sent with SPUBLISH.
-- On a Redis Cluster every channel must hash to the claim key's slot (the caller tags the key
-- with the channel), or the node refuses the script.
-- KEYS[1] claim key; ARGV[1] claim TTL in ms; ARGV[2..] channel, message, channel, message...
-- Returns 1 if this call claimed and published, 0 if the claim was already taken.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('SPUBLISH', ARGV[i], ARGV[i + 1])
end
return 1
