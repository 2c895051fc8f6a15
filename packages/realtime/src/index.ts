export * from './delivery-cursors';
export * from './keys';
export * from './lua-runner';
export * from './message-counters';
export * from './redis-client';
