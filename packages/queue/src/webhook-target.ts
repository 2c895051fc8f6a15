import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Where an outgoing webhook may go: the gateway asks when a URL is registered, the worker before
// every attempt (DNS can change in between). Lives here, beside the job schemas, because both
// apps need it and packages never import apps.

/** Ranges no webhook may reach unless its host is allowlisted: loopback, private, link-local and the like. */
const blocked = new BlockList();
const IPV4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];
const IPV6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['fc00::', 7, 'unique-local (private)'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local'],
  ['ff00::', 8, 'multicast'],
  ['64:ff9b::', 96, 'NAT64'],
  ['100::', 64, 'discard'],
];
for (const [net, prefix] of IPV4_RANGES) blocked.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of IPV6_RANGES) blocked.addSubnet(net, prefix, 'ipv6');

/** Why an address may not be reached ('loopback', 'private' ...), or null when it is public. */
export function forbiddenAddressKind(address: string): string | null {
  const family = isIP(address);
  if (family === 4) return kindOf(address, 4);
  if (family !== 6) return 'invalid';
  const groups = ipv6Groups(address);
  if (!groups) return 'invalid';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses reach the IPv4 host.
  if (groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || (groups[5] === 0 && (groups[6] ?? 0) !== 0))) {
    const v4 = `${(groups[6] ?? 0) >> 8}.${(groups[6] ?? 0) & 255}.${(groups[7] ?? 0) >> 8}.${(groups[7] ?? 0) & 255}`;
    return kindOf(v4, 4);
  }
  return kindOf(groups.map((g) => g.toString(16)).join(':'), 6);
}

function kindOf(address: string, family: 4 | 6): string | null {
  if (!blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')) return null;
  for (const [net, prefix, kind] of family === 4 ? IPV4_RANGES : IPV6_RANGES) {
    const one = new BlockList();
    one.addSubnet(net, prefix, family === 4 ? 'ipv4' : 'ipv6');
    if (one.check(address, family === 4 ? 'ipv4' : 'ipv6')) return kind;
  }
  return 'reserved';
}

/** The eight 16-bit groups of an IPv6 address (a zone and an embedded IPv4 tail allowed). */
function ipv6Groups(address: string): number[] | null {
  let text = (address.split('%')[0] ?? '').toLowerCase();
  const tail = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (tail) {
    const b = tail.slice(1).map(Number);
    if (b.some((x) => x > 255)) return null;
    text = `${text.slice(0, tail.index)}${(((b[0] ?? 0) << 8) | (b[1] ?? 0)).toString(16)}:${(((b[2] ?? 0) << 8) | (b[3] ?? 0)).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const head = parse(halves[0] ?? '');
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...rest];
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return null;
  return groups;
}

/** A webhook URL refused; `permanent` unless it may work later (its name did not resolve). */
export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** Where to connect: the checked address is the one connected to (pinned; no second DNS answer). */
export interface WebhookTarget {
  url: URL;
  /** The URL's host, lowercase, without IPv6 brackets. */
  host: string;
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Checks a webhook URL and resolves its host: http(s) only, no credentials in it, and every
 * address the host resolves to must be public unless the host is in `allowedHosts`.
 */
export async function resolveWebhookTarget(
  raw: string,
  allowedHosts: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<WebhookTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError('url: not a valid absolute URL', true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WebhookTargetError('url: only http and https are allowed', true);
  if (url.username || url.password)
    throw new WebhookTargetError('url: credentials in the URL are not allowed (sign with the secret)', true);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const allowed = allowedHosts.some((h) => h.toLowerCase() === host);
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      throw new WebhookTargetError(`url: ${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'DNS error'})`, false);
    }
  }
  const first = addresses[0];
  if (!first) throw new WebhookTargetError(`url: ${host} resolves to no address`, false);
  if (!allowed) {
    for (const { address } of addresses) {
      const kind = forbiddenAddressKind(address);
      if (kind) {
        throw new WebhookTargetError(
          `url: ${host} resolves to ${address}, a ${kind} address; webhooks go to public addresses only (or list the host in WEBHOOK_ALLOWED_HOSTS)`,
          true,
        );
      }
    }
  }
  return { url, host, address: first.address, family: first.family === 6 ? 6 : 4 };
}
