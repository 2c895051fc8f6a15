-- Publishes a batch of messages once per claim, atomically: either the claim is taken and
-- every message published, or (the claim was taken before) nothing happens. A process killed
-- between a separate claim and its publishes would leave the claim taken and nothing sent.
-- KEYS[1] claim key; ARGV[1] claim TTL in ms; ARGV[2..] channel, message, channel, message...
-- Returns 1 if this call claimed and published, 0 if the claim was already taken.
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
for i = 2, #ARGV, 2 do
  redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
end
return 1
