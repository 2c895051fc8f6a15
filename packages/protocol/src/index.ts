import './formats';

export * from './attachments';
export * from './client-events';
export * from './errors';
export * from './events';
export * from './ids';
export * from './limits';
export * from './models';
export * from './push';
export * from './reaction-emoji';
export * from './rest';
export * from './room-permissions';
export * from './server-events';
export * from './socket-catalog';
export * from './socket-types';
export * from './validate';
export * from './webhooks';
