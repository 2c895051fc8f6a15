export type ServiceName = 'redis' | 'mongo' | 's3';

const DISPLAY_NAME: Record<ServiceName, string> = { redis: 'Redis', mongo: 'a MongoDB-wire server', s3: 'an S3-compatible server' };

const HOW_TO_PROVIDE: Record<ServiceName, string> = {
  redis:
    'Redis: set REDIS_URL=redis://host:port, or start a Docker engine (testcontainers runs redis:7), or put redis-server on PATH (Debian: apt-get install redis-server).',
  mongo:
    'MongoDB: set MONGO_URL=mongodb://host:port, or start a Docker engine (testcontainers runs mongo:7), or put mongod on PATH, ' +
    'or put a working FerretDB v1 `ferretdb` on PATH, or install Go so testkit can build FerretDB v1.24.2 (npx campzone-services install-ferretdb).',
  s3: 'S3: put gofakes3 on PATH, or install Go so testkit can build it (go install github.com/johannesboyne/gofakes3/cmd/gofakes3@v1.2.0).',
};

/** The one error testkit gives when a service cannot be found or started any of the ways it knows. */
export class ServicesUnavailableError extends Error {
  readonly missing: readonly ServiceName[];

  constructor(missing: readonly ServiceName[]) {
    const lines = missing.map((service) => `  - ${HOW_TO_PROVIDE[service]}`);
    const names = missing.map((service) => DISPLAY_NAME[service]).join(' and ');
    super(`@campzone/testkit found no way to run ${names}. Provide one of these for each:\n${lines.join('\n')}`);
    this.name = 'ServicesUnavailableError';
    this.missing = missing;
  }
}
