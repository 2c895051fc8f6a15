import type * as Testcontainers from 'testcontainers';

/**
 * testcontainers is loaded only when needed: importing it costs ~300 ms, which every test file
 * that just wants uniqueNamespace() or startProcess() would otherwise pay.
 */
export function loadTestcontainers(): typeof Testcontainers {
  return require('testcontainers') as typeof Testcontainers;
}

/**
 * Whether testcontainers can reach a container engine (DOCKER_HOST, ~/.testcontainers.properties,
 * the usual sockets). Never throws; a hung engine counts as absent after `timeoutMs`.
 */
export async function isDockerEngineReachable(timeoutMs = 3_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout(false), timeoutMs);
    timer.unref();
  });
  const probe = (async () => {
    try {
      await loadTestcontainers().getContainerRuntimeClient();
      return true;
    } catch {
      return false;
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
