export * from './job-payload';
export * from './job-policies';
export * from './job-schemas';
export * from './queue-connection';
export * from './queue-names';
export * from './queue-producers';
export * from './webhook-signature';
export * from './webhook-target';
