import { Type } from '@sinclair/typebox';

/**
 * Ids are plain tokens: letters, digits, `_` and `-`. No `$` or `.` can reach MongoDB as a
 * key or operator through them, and they are safe inside Redis keys and Socket.IO room names.
 */
export const ID_PATTERN = '^[A-Za-z0-9_-]{1,64}$';
export const RoomIdSchema = Type.String({ pattern: ID_PATTERN, description: 'room id' });
export const UserIdSchema = Type.String({ pattern: ID_PATTERN, description: 'user id' });
/** The seed's keys look like `userId-1700000000000-0.123`, hence `.` and `:` are allowed here. */
export const IdempotencyKeySchema = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,128}$' });
export const MessageIdSchema = Type.String({ pattern: '^[a-f0-9]{24}$', description: 'message id (ObjectId hex)' });
