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
