export * from './delivery-cursors';
export * from './keys';
export * from './lua-runner';
export * from './message-counters';
export * from './presence';
export * from './rate-limiter';
export * from './redis-client';
export * from './typing';
