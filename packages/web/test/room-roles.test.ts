import type { ParticipantRole, RoomAction } from '@campzone/protocol';
import * as protocol from '@campzone/protocol';
import { can, isStaff, outranks, ROLES } from '../src/app/room-roles';

const ACTIONS = [...new Set(Object.values(protocol.ROLE_PERMISSIONS).flat())] as RoomAction[];

describe("the page's copy of the role table", () => {
  it('allows exactly what the protocol allows, for every role and action', () => {
    expect(ACTIONS.length).toBeGreaterThan(5);
    expect([...ROLES].sort()).toEqual(Object.keys(protocol.ROLE_PERMISSIONS).sort());
    for (const role of ROLES)
      for (const action of ACTIONS) expect([role, action, can(role, action)]).toEqual([role, action, protocol.can(role, action)]);
  });

  it('ranks and exempts exactly as the protocol does', () => {
    const pairs: Array<[ParticipantRole, ParticipantRole]> = ROLES.flatMap((a) =>
      ROLES.map((b): [ParticipantRole, ParticipantRole] => [a, b]),
    );
    for (const [actor, target] of pairs)
      expect([actor, target, outranks(actor, target)]).toEqual([actor, target, protocol.outranks(actor, target)]);
    for (const role of ROLES) expect([role, isStaff(role)]).toEqual([role, protocol.isStaff(role)]);
  });
});
