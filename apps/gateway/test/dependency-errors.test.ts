import { MongoNetworkError, MongoServerError } from 'mongodb';
import { ErrorReply } from 'redis';
import { asChatError } from '../src/socket/handler-kit';

test('a dependency that cannot be reached is answered UNAVAILABLE, wherever the call forgot to say so', () => {
  // The driver does not export its pool's error classes; their names are what it throws.
  const poolWait = Object.assign(new Error('Timed out while checking out a connection from connection pool'), {
    name: 'MongoWaitQueueTimeoutError',
  });
  expect(asChatError(poolWait).code).toBe('UNAVAILABLE');
  expect(asChatError(new MongoNetworkError('connection reset')).code).toBe('UNAVAILABLE');
  const redisDown = Object.assign(new Error('The client is closed'), { name: 'ClientClosedError' });
  expect(asChatError(redisDown).code).toBe('UNAVAILABLE');
});

test('a Redis failover under a command (connection reset, a master that is now a replica) is answered UNAVAILABLE', () => {
  const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
  expect(asChatError(reset).code).toBe('UNAVAILABLE');
  const closed = Object.assign(new Error('Socket closed unexpectedly'), { name: 'SocketClosedUnexpectedlyError' });
  expect(asChatError(closed).code).toBe('UNAVAILABLE');
  expect(asChatError(new ErrorReply("READONLY You can't write against a read only replica.")).code).toBe('UNAVAILABLE');
  expect(asChatError(new ErrorReply('LOADING Redis is loading the dataset in memory')).code).toBe('UNAVAILABLE');
});

test('anything else unexpected stays INTERNAL, a bug to log', () => {
  expect(asChatError(new ErrorReply('ERR wrong number of arguments')).code).toBe('INTERNAL');
  expect(asChatError(new TypeError('x is undefined')).code).toBe('INTERNAL');
  expect(asChatError(new MongoServerError({ message: 'unknown operator: $foo', code: 2 })).code).toBe('INTERNAL');
});

test('a Redis Cluster in failover (no master for a slot yet, a socket to a dead master) is answered UNAVAILABLE', () => {
  // node-redis gives server replies the plain name 'Error': the reply text says what happened.
  expect(asChatError(new Error('CLUSTERDOWN The cluster is down')).code).toBe('UNAVAILABLE');
  expect(asChatError(new Error('TRYAGAIN Multiple keys request during rehashing of slot')).code).toBe('UNAVAILABLE');
  expect(asChatError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7001'), { code: 'ECONNREFUSED' })).code).toBe('UNAVAILABLE');
  expect(asChatError(Object.assign(new Error('Failed to refresh slots cache.'), { name: 'ClusterAllFailedError' })).code).toBe(
    'UNAVAILABLE',
  );
  // node-redis's errors keep the name 'Error' (this one rejects the commands of a dead master's client).
  class DisconnectsClientError extends Error {}
  expect(asChatError(new DisconnectsClientError('Disconnects client')).code).toBe('UNAVAILABLE');
  // A reply that is a bug, not a failover, stays INTERNAL.
  expect(asChatError(new Error('ERR wrong number of arguments for command')).code).toBe('INTERNAL');
});
