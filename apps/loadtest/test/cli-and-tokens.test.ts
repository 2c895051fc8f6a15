import jwt from 'jsonwebtoken';
import { signHs256, verifyHs256 } from '../src/auth/hs256-signer';
import { parseLoadArgs, UsageError } from '../src/cli/load-args';
import { makeContent, sentAtOf } from '../src/load/message-content';
import { planRooms } from '../src/load/room-plan';

const SECRET = 'a-secret-of-at-least-16-chars';

test('tokens signed by the load tester verify with jsonwebtoken, as the gateway does', () => {
  const token = signHs256(SECRET, 'user-1');
  const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
  expect(claims.sub).toBe('user-1');
  expect(verifyHs256(SECRET, token)).toBe('user-1');
  expect(verifyHs256('another-secret-of-16-chars', token)).toBeUndefined();
});

test('message content carries its send time and has the requested size', () => {
  const content = makeContent(1_700_000_000_123.456, 100);
  expect(content).toHaveLength(100);
  expect(sentAtOf(content)).toBeCloseTo(1_700_000_000_123.456, 3);
  expect(sentAtOf('hello')).toBeUndefined();
});

test('members are spread over every URL so each room spans pods', () => {
  const rooms = planRooms({ runId: 'r1', rooms: 2, membersPerRoom: 3, sendersPerRoom: 1, urlCount: 3 });
  expect(rooms[0]!.members.map((m) => m.urlIndex)).toEqual([0, 1, 2]);
  expect(rooms.flatMap((r) => r.members.filter((m) => m.sender))).toHaveLength(2);
  expect(rooms[1]!.members[0]!.userId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
});

test('the CLI takes several --url flags and refuses nonsense with a usage error', () => {
  const args = parseLoadArgs(['--url', 'http://127.0.0.1:3000/', '--url', 'http://127.0.0.1:3001', '--rate', '250', '--members', '4'], {});
  expect(args).not.toBe('help');
  if (args === 'help') return;
  expect(args.urls).toEqual(['http://127.0.0.1:3000', 'http://127.0.0.1:3001']);
  expect(args.rate).toBe(250);
  expect(args.senders).toBe(2);
  expect(() => parseLoadArgs([], {})).toThrow(UsageError);
  expect(() => parseLoadArgs(['--url', 'ftp://x'], {})).toThrow(UsageError);
  expect(() => parseLoadArgs(['--url', 'http://a:1', '--senders', '5', '--members', '3'], {})).toThrow(UsageError);
});

test('--change-ratio takes a share from 0 to 1, defaults to 0, and refuses anything else', () => {
  const plain = parseLoadArgs(['--url', 'http://a:1'], {});
  const mixed = parseLoadArgs(['--url', 'http://a:1', '--change-ratio', '0.25'], {});
  expect(plain !== 'help' && plain.changeRatio).toBe(0);
  expect(mixed !== 'help' && mixed.changeRatio).toBe(0.25);
  expect(() => parseLoadArgs(['--url', 'http://a:1', '--change-ratio', '1.5'], {})).toThrow(UsageError);
  expect(() => parseLoadArgs(['--url', 'http://a:1', '--change-ratio', 'some'], {})).toThrow(UsageError);
});
