export { type BinaryLocator, findExecutable, pathLocator } from './binary.locator';
export { isDockerEngineReachable } from './docker-engine.probe';
export { FERRETDB_VERSION, type FerretDbOptions, findFerretDb, installFerretDb } from './ferretdb.installer';
export { getFreePort } from './free-port.allocator';
export { defaultBinaryCacheDir, type GoBinaryOptions, type GoBinarySpec, installGoBinary } from './go-binary.installer';
export type { LocalServer } from './local-server.supervisor';
export { type ManagedProcess, type StartProcessOptions, startProcess } from './managed-process.runner';
export { type MongoWireServer, type StartMongoWireOptions, startMongoWire } from './mongo-wire.provider';
export { dropNamespace, type TestNamespace, uniqueNamespace } from './namespace.factory';
export { createPostgresDatabase, type PostgresDatabase } from './postgres-database.factory';
export { type BrowserSubscription, type PushServicePeer, type ReceivedPush, startPushServicePeer } from './push-service.peer';
export { type RedisCluster, type StartRedisClusterOptions, startRedisCluster } from './redis-cluster.provider';
export { type RedisMode, redisModeOf } from './redis-mode';
export {
  findSentinelBinary,
  type RedisSentinelSetup,
  type StartRedisSentinelOptions,
  startRedisSentinel,
} from './redis-sentinel.provider';
export { type RedisServer, type StartRedisServerOptions, startRedisServer } from './redis-server.provider';
export { GOFAKES3_VERSION, installS3Server, type S3ServerInstallOptions } from './s3-server.installer';
export { type S3Server, type StartS3ServerOptions, startS3Server } from './s3-server.provider';
export {
  type MongoKind,
  type ProvisionedServices,
  type ProvisionOptions,
  provisionServices,
  type RedisClusterKind,
  type RedisKind,
} from './services.provisioner';
export { type ServiceName, ServicesUnavailableError } from './services-unavailable.error';
export { startTcpProxy, type TcpProxy } from './tcp-proxy';
