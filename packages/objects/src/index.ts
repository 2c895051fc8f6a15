export * from './local-directory.store';
export * from './object-store';
export * from './open-object-store';
export * from './s3.store';
