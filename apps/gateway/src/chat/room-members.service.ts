import {
  type AddParticipantBody,
  type BanBody,
  ChatError,
  ErrorCode,
  type MembersResponse,
  type MuteBody,
  outranks,
  type ParticipantRole,
  type RoomAction,
  type RosterBody,
  type RosterResult,
} from '@campzone/protocol';
import type {
  AuditLogRepository,
  AuditRecord,
  ParticipantRepository,
  RoomBanRepository,
  RoomRepository,
  UserRepository,
} from '@campzone/store';
import type { MembershipService } from './membership.service';
import type { WebhookEvents } from './webhook-events';

export interface RoomMembersDeps {
  membership: Pick<MembershipService, 'require' | 'roleIn'>;
  rooms: Pick<RoomRepository, 'findById'>;
  participants: ParticipantRepository;
  bans: RoomBanRepository;
  audit: Pick<AuditLogRepository, 'append'>;
  /** Records `member.added` / `member.removed` for webhooks before the change is answered. */
  events?: Pick<WebhookEvents, 'membersAdded' | 'membersRemoved'>;
  users: Pick<UserRepository, 'usernamesOf'>;
}

/** Who a membership change touched, for the transports to tell rooms and pods. */
export interface MembersChanged {
  added: string[];
  removed: string[];
  /** Role or mute changed: pods must forget what they cached of them. */
  changed: string[];
}

export interface RosterApplied {
  result: RosterResult;
  touched: MembersChanged;
}

/**
 * Who belongs to a room and as what: adding, removing (by staff, or leaving for good), roles,
 * the nightly roster of a class, mutes and bans. Each checks the actor's role in the store and
 * that the actor outranks whom they act on, keeps at least one owner, writes the audit log once
 * per change, and answers who changed so the caller can tell the room and every pod's caches.
 * A refusal changes nothing and logs nothing.
 */
export class RoomMembersService {
  constructor(private readonly deps: RoomMembersDeps) {}

  async add(actorId: string, roomId: string, body: AddParticipantBody): Promise<boolean> {
    const actorRole = await this.deps.membership.require(roomId, actorId, 'changeRoles');
    const role = body.role ?? 'member';
    if (!outranks(actorRole, role) && actorRole !== role)
      throw new ChatError(ErrorCode.FORBIDDEN, `a ${actorRole} may not make someone ${role}`);
    const room = await this.deps.rooms.findById(roomId);
    if (!room) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    const existing = await this.deps.participants.roleOf(roomId, body.userId);
    if (room.roomType === 'one-to-one' && existing === null)
      throw new ChatError(ErrorCode.FORBIDDEN, 'a one-to-one room cannot take more participants');
    if ((await this.deps.bans.bannedAmong(roomId, [body.userId])).size > 0) {
      throw new ChatError(ErrorCode.FORBIDDEN, `${body.userId} is banned from room ${roomId}; lift the ban first`);
    }
    if (existing !== null && existing !== role) await this.authorizeOver(roomId, actorRole, existing);
    const added = (await this.deps.participants.upsert(roomId, [body.userId], role)) > 0;
    if (added) {
      await this.log({ roomId, actorId, action: 'member.added', targetId: body.userId, after: { role } });
      await this.deps.events?.membersAdded(roomId, [body.userId], actorId);
    } else if (existing !== role)
      await this.log({
        roomId,
        actorId,
        action: 'member.role_changed',
        targetId: body.userId,
        before: { role: existing },
        after: { role },
      });
    return added;
  }

  /** The room's members with their roles, display names (and mutes still running), for any member. */
  async list(actorId: string, roomId: string): Promise<MembersResponse> {
    await this.deps.membership.roleIn(roomId, actorId);
    const now = Date.now();
    const roster = await this.deps.participants.roster(roomId);
    const names = await this.deps.users.usernamesOf(roster.map((m) => m.userId));
    const members = roster.map((m) => ({
      userId: m.userId,
      role: m.role,
      ...(names.has(m.userId) ? { username: names.get(m.userId) as string } : {}),
      ...(m.mutedUntil && m.mutedUntil.getTime() > now ? { mutedUntil: m.mutedUntil.toISOString() } : {}),
    }));
    return { roomId, members };
  }

  /** Removes a member for good: staff remove those below them; anyone may leave. */
  async remove(actorId: string, roomId: string, userId: string): Promise<void> {
    const leaving = actorId === userId;
    const targetRole = await this.targetRole(roomId, userId);
    // Leaving needs nothing more: targetRole already proved the actor a member.
    if (!leaving) await this.authorize(actorId, roomId, 'remove', targetRole);
    if (targetRole === 'owner') await this.keepAnOwner(roomId, 1);
    await this.deps.participants.remove(roomId, [userId]);
    await this.log({ roomId, actorId, action: leaving ? 'member.left' : 'member.removed', targetId: userId, before: { role: targetRole } });
    await this.deps.events?.membersRemoved(roomId, [userId], actorId);
  }

  async changeRole(actorId: string, roomId: string, userId: string, role: ParticipantRole): Promise<{ before: ParticipantRole }> {
    const before = await this.targetRole(roomId, userId);
    if (before === role) {
      await this.deps.membership.require(roomId, actorId, 'changeRoles');
      return { before };
    }
    const actorRole = await this.authorize(actorId, roomId, 'changeRoles', actorId === userId ? 'readonly' : before);
    if (!outranks(actorRole, role) && actorRole !== 'owner')
      throw new ChatError(ErrorCode.FORBIDDEN, `a ${actorRole} may not make someone ${role}`);
    if (before === 'owner') await this.keepAnOwner(roomId, 1);
    await this.deps.participants.setRoles(roomId, [{ userId, role }]);
    await this.log({ roomId, actorId, action: 'member.role_changed', targetId: userId, before: { role: before }, after: { role } });
    return { before };
  }

  /**
   * Applies a class roster: adds who is missing, changes roles that differ (when given), and
   * with removeMissing removes who is not listed. Owners are never removed or demoted by a
   * roster, and banned users are not added back (they are reported as skipped). The same roster
   * again changes nothing.
   */
  async syncRoster(actorId: string, roomId: string, body: RosterBody): Promise<RosterApplied> {
    const seen = new Set<string>();
    for (const entry of body.participants) {
      if (seen.has(entry.userId)) throw new ChatError(ErrorCode.VALIDATION_FAILED, `participants: ${entry.userId} is listed twice`);
      seen.add(entry.userId);
    }
    const actorRole = await this.deps.membership.require(roomId, actorId, 'changeRoles');
    for (const entry of body.participants) {
      if (entry.role && !outranks(actorRole, entry.role) && actorRole !== 'owner') {
        throw new ChatError(ErrorCode.FORBIDDEN, `a ${actorRole} may not make ${entry.userId} ${entry.role}`);
      }
    }
    const room = await this.deps.rooms.findById(roomId);
    if (!room) throw new ChatError(ErrorCode.NOT_FOUND, `room ${roomId} does not exist`);
    if (room.roomType === 'one-to-one') throw new ChatError(ErrorCode.FORBIDDEN, 'a one-to-one room has no roster');

    const current = new Map((await this.deps.participants.roster(roomId)).map((m) => [m.userId, m.role]));
    const banned = await this.deps.bans.bannedAmong(
      roomId,
      body.participants.map((p) => p.userId),
    );
    const result: RosterResult = { added: 0, removed: 0, changed: 0, unchanged: 0, skipped: [] };
    const plan = {
      add: new Map<ParticipantRole, string[]>(),
      change: [] as Array<{ userId: string; role: ParticipantRole }>,
      remove: [] as string[],
    };
    for (const { userId, role } of body.participants) {
      const now = current.get(userId);
      if (now === undefined) {
        if (banned.has(userId)) result.skipped.push({ userId, reason: 'banned' });
        else plan.add.set(role ?? 'member', [...(plan.add.get(role ?? 'member') ?? []), userId]);
      } else if (role && role !== now && now !== 'owner' && (outranks(actorRole, now) || actorRole === 'owner'))
        plan.change.push({ userId, role });
      else if (role && role !== now) result.skipped.push({ userId, reason: `cannot change a ${now}` });
      else result.unchanged += 1;
    }
    if (body.removeMissing) {
      for (const [userId, role] of current) {
        if (seen.has(userId) || userId === actorId) continue;
        if (role === 'owner' || !outranks(actorRole, role)) result.skipped.push({ userId, reason: `a ${role} is not removed by a roster` });
        else plan.remove.push(userId);
      }
    }

    const records: AuditRecord[] = [];
    for (const [role, userIds] of plan.add) {
      await this.deps.participants.insertNew(roomId, userIds, role);
      for (const userId of userIds) records.push({ roomId, actorId, action: 'member.added', targetId: userId, after: { role } });
    }
    await this.deps.participants.setRoles(roomId, plan.change);
    for (const { userId, role } of plan.change)
      records.push({
        roomId,
        actorId,
        action: 'member.role_changed',
        targetId: userId,
        before: { role: current.get(userId) },
        after: { role },
      });
    await this.deps.participants.remove(roomId, plan.remove);
    for (const userId of plan.remove)
      records.push({ roomId, actorId, action: 'member.removed', targetId: userId, before: { role: current.get(userId) } });
    await this.deps.audit.append(records);

    const added = [...plan.add.values()].flat();
    await this.deps.events?.membersAdded(roomId, added, actorId);
    await this.deps.events?.membersRemoved(roomId, plan.remove, actorId);
    return {
      result: { ...result, added: added.length, removed: plan.remove.length, changed: plan.change.length },
      touched: { added, removed: plan.remove, changed: plan.change.map((c) => c.userId) },
    };
  }

  async mute(actorId: string, roomId: string, body: MuteBody): Promise<void> {
    const until = new Date(body.until);
    if (!(until.getTime() > Date.now())) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'until: must be in the future');
    await this.authorize(actorId, roomId, 'mute', await this.targetRole(roomId, body.userId));
    await this.deps.participants.setMute(roomId, body.userId, until);
    await this.log({ roomId, actorId, action: 'member.muted', targetId: body.userId, after: { until: until.toISOString() } });
  }

  async unmute(actorId: string, roomId: string, userId: string): Promise<void> {
    await this.authorize(actorId, roomId, 'mute', await this.targetRole(roomId, userId));
    await this.deps.participants.setMute(roomId, userId, null);
    await this.log({ roomId, actorId, action: 'member.unmuted', targetId: userId });
  }

  /** Bans a user: removed if a member, and not added back until unbanned. Answers whether they were a member. */
  async ban(actorId: string, roomId: string, body: BanBody): Promise<boolean> {
    const targetRole = await this.deps.participants.roleOf(roomId, body.userId);
    if (targetRole === 'owner') throw new ChatError(ErrorCode.FORBIDDEN, 'an owner cannot be banned');
    await this.authorize(actorId, roomId, 'ban', targetRole ?? 'readonly');
    if (actorId === body.userId) throw new ChatError(ErrorCode.FORBIDDEN, 'you cannot ban yourself');
    const isNew = await this.deps.bans.ban({ roomId, userId: body.userId, reason: body.reason, bannedBy: actorId, bannedAt: new Date() });
    if (targetRole !== null) await this.deps.participants.remove(roomId, [body.userId]);
    if (isNew || targetRole !== null) {
      await this.log({
        roomId,
        actorId,
        action: 'member.banned',
        targetId: body.userId,
        after: { reason: body.reason },
        ...(targetRole ? { before: { role: targetRole } } : {}),
      });
    }
    if (targetRole !== null) await this.deps.events?.membersRemoved(roomId, [body.userId], actorId);
    return targetRole !== null;
  }

  async unban(actorId: string, roomId: string, userId: string): Promise<void> {
    await this.deps.membership.require(roomId, actorId, 'ban');
    const lifted = await this.deps.bans.lift(roomId, userId);
    if (!lifted) throw new ChatError(ErrorCode.NOT_FOUND, `${userId} is not banned from room ${roomId}`);
    await this.log({ roomId, actorId, action: 'member.unbanned', targetId: userId, before: { reason: lifted.reason } });
  }

  private async targetRole(roomId: string, userId: string): Promise<ParticipantRole> {
    const role = await this.deps.participants.roleOf(roomId, userId);
    if (role === null) throw new ChatError(ErrorCode.NOT_FOUND, `${userId} is not a member of room ${roomId}`);
    return role;
  }

  /** The actor may `action` and outranks the target; answers the actor's role. */
  private async authorize(actorId: string, roomId: string, action: RoomAction, targetRole: ParticipantRole): Promise<ParticipantRole> {
    const actorRole = await this.deps.membership.require(roomId, actorId, action);
    await this.authorizeOver(roomId, actorRole, targetRole);
    return actorRole;
  }

  private async authorizeOver(roomId: string, actorRole: ParticipantRole, targetRole: ParticipantRole): Promise<void> {
    if (!outranks(actorRole, targetRole))
      throw new ChatError(ErrorCode.FORBIDDEN, `a ${actorRole} of room ${roomId} may not act on a ${targetRole}`);
  }

  /** Refuses a change that would leave the room without an owner. */
  private async keepAnOwner(roomId: string, leaving: number): Promise<void> {
    if ((await this.deps.participants.countOwners(roomId)) <= leaving)
      throw new ChatError(ErrorCode.CONFLICT, `room ${roomId} must keep at least one owner`);
  }

  private log(record: AuditRecord): Promise<void> {
    return this.deps.audit.append([record]);
  }
}
