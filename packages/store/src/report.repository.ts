import type { Collection, ObjectId } from 'mongodb';
import type { MessageReportDoc } from './documents';

export class ReportRepository {
  constructor(private readonly reports: Collection<MessageReportDoc>) {}

  async create(report: MessageReportDoc): Promise<void> {
    await this.reports.insertOne(report);
  }

  /** Newest first. */
  list(roomId: string, status: MessageReportDoc['status'] | undefined, limit: number): Promise<MessageReportDoc[]> {
    return this.reports
      .find(status ? { roomId, status } : { roomId })
      .sort({ createdAt: -1 })
      .limit(limit)
      .toArray();
  }

  /** Resolves an open report; answers the report as before, or null if it is not open (or not of this room). */
  resolve(roomId: string, reportId: ObjectId, resolvedBy: string, resolution: string, at: Date): Promise<MessageReportDoc | null> {
    return this.reports.findOneAndUpdate(
      { roomId, _id: reportId, status: 'open' },
      { $set: { status: 'resolved', resolvedBy, resolvedAt: at, resolution } },
      { returnDocument: 'before' },
    );
  }
}
