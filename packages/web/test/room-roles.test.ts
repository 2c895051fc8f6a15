import * as protocol from '@campzone/protocol';
import { isRole, ROLES } from '../src/app/room-roles';

test('the settings panel offers every role the protocol knows, highest first', () => {
  expect([...ROLES].sort()).toEqual(Object.keys(protocol.ROLE_PERMISSIONS).sort());
  for (let i = 1; i < ROLES.length; i++) expect(protocol.outranks(ROLES[i - 1]!, ROLES[i]!)).toBe(true);
  expect(isRole('owner')).toBe(true);
  expect(isRole('emperor')).toBe(false);
});
