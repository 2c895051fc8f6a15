import { loadTestcontainers } from './docker-engine.probe';

export interface ProvidedService {
  url: string;
  stop(): Promise<void>;
}

async function startContainer(image: string, port: number, readyLog: RegExp, scheme: string): Promise<ProvidedService> {
  const { GenericContainer, Wait } = loadTestcontainers();
  const container = await new GenericContainer(image).withExposedPorts(port).withWaitStrategy(Wait.forLogMessage(readyLog)).start();
  return {
    url: `${scheme}://${container.getHost()}:${container.getMappedPort(port)}`,
    async stop() {
      await container.stop();
    },
  };
}

export function startDockerRedis(): Promise<ProvidedService> {
  return startContainer('redis:7', 6379, /Ready to accept connections/, 'redis');
}

export function startDockerMongo(): Promise<ProvidedService> {
  return startContainer('mongo:7', 27017, /Waiting for connections/, 'mongodb');
}
