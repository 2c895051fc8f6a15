import { type Collection, ObjectId } from 'mongodb';
import type { AuditEntryDoc } from './documents';

export type AuditRecord = Omit<AuditEntryDoc, '_id' | 'at'>;

/** The rooms' audit log: appended to, read newest first; nothing in the API changes an entry. */
export class AuditLogRepository {
  constructor(private readonly audit: Collection<AuditEntryDoc>) {}

  async append(records: AuditRecord[], at = new Date()): Promise<void> {
    if (records.length === 0) return;
    await this.audit.insertMany(records.map((r) => ({ _id: new ObjectId(), at, ...r })));
  }

  /** Newest first, older than `before` (an entry id) when given. */
  async page(roomId: string, limit: number, before?: string): Promise<{ entries: AuditEntryDoc[]; hasMore: boolean }> {
    const filter = before && ObjectId.isValid(before) ? { roomId, _id: { $lt: new ObjectId(before) } } : { roomId };
    const rows = await this.audit
      .find(filter)
      .sort({ _id: -1 })
      .limit(limit + 1)
      .toArray();
    return { entries: rows.slice(0, limit), hasMore: rows.length > limit };
  }
}
