export * from './attachment-jobs';
export * from './job-payload';
export * from './job-policies';
export * from './job-schemas';
export * from './queue-connection';
export * from './queue-names';
export * from './queue-producers';
