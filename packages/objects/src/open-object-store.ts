import { LocalDirectoryStore } from './local-directory.store';
import type { ObjectStore } from './object-store';
import { S3Store, type S3StoreSettings } from './s3.store';

export type ObjectStoreSettings = { kind: 'local'; directory: string } | ({ kind: 's3' } & S3StoreSettings);

/** The store the settings name (ATTACHMENT_STORE and friends, mapped in each app's main.ts). */
export function openObjectStore(settings: ObjectStoreSettings): ObjectStore {
  return settings.kind === 'local' ? new LocalDirectoryStore(settings.directory) : new S3Store(settings);
}
