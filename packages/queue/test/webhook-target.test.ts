import { forbiddenAddressKind, type Resolver, resolveWebhookTarget, WebhookTargetError } from '../src/webhook-target';

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['0.0.0.0', 'unspecified'],
  ['10.1.2.3', 'private'],
  ['172.20.0.1', 'private'],
  ['192.168.0.10', 'private'],
  ['100.64.0.1', 'carrier-grade NAT'],
  ['169.254.169.254', 'link-local'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1%eth0', 'link-local'],
  ['fd00::1', 'unique-local (private)'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:a00:1', 'private'],
  ['::ffff:169.254.1.1', 'link-local'],
  ['::10.0.0.1', 'private'],
  ['64:ff9b::7f00:1', 'NAT64'],
])('%s is refused as %s', (address, kind) => {
  expect(forbiddenAddressKind(address)).toBe(kind);
});

test.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
  expect(forbiddenAddressKind(address)).toBeNull();
});

const resolver =
  (answers: Record<string, string[]>): Resolver =>
  async (host) => {
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

test('a name with any private address among its answers is refused (one answer public, the next one internal)', async () => {
  const resolve = resolver({ 'rebind.example': ['93.184.216.34', '10.0.0.5'] });
  await expect(resolveWebhookTarget('https://rebind.example/hook', [], resolve)).rejects.toThrow(/10\.0\.0\.5, a private address/);
});

test('the checked address is the one the connection is pinned to', async () => {
  const target = await resolveWebhookTarget('https://lms.example/hook', [], resolver({ 'lms.example': ['93.184.216.34'] }));
  expect(target).toMatchObject({ host: 'lms.example', address: '93.184.216.34', family: 4 });
});

test('an allowlisted host may resolve to a private address', async () => {
  const target = await resolveWebhookTarget(
    'http://helpdesk.campus:8080/in',
    ['helpdesk.campus'],
    resolver({ 'helpdesk.campus': ['10.1.1.1'] }),
  );
  expect(target.address).toBe('10.1.1.1');
});

test('a name that does not resolve is refused but may work later', async () => {
  const error = await resolveWebhookTarget('https://nowhere.example/', [], resolver({})).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(WebhookTargetError);
  expect((error as WebhookTargetError).permanent).toBe(false);
});
