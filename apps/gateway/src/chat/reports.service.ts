import { ChatError, ErrorCode, type Report, type ReportBody } from '@campzone/protocol';
import {
  type AuditLogRepository,
  type MessageChangeRepository,
  type MessageReportDoc,
  ObjectId,
  type ReportRepository,
} from '@campzone/store';
import type { MembershipService } from './membership.service';

const MAX_LISTED = 200;

/** Members report messages; the room's moderators list and resolve the reports (audited). */
export class ReportsService {
  constructor(
    private readonly membership: Pick<MembershipService, 'requireMember' | 'require'>,
    private readonly reports: ReportRepository,
    private readonly messages: Pick<MessageChangeRepository, 'find'>,
    private readonly audit: Pick<AuditLogRepository, 'append'>,
  ) {}

  async report(userId: string, roomId: string, messageId: string, body: ReportBody): Promise<Report> {
    await this.membership.requireMember(roomId, userId);
    const message = await this.messages.find(roomId, messageId);
    if (!message) throw new ChatError(ErrorCode.NOT_FOUND, `no message ${messageId} in room ${roomId}`);
    const doc: MessageReportDoc = {
      _id: new ObjectId(),
      roomId,
      messageId: message._id,
      reporterId: userId,
      reason: body.reason,
      status: 'open',
      createdAt: new Date(),
    };
    await this.reports.create(doc);
    return toReport(doc);
  }

  async list(userId: string, roomId: string, status?: MessageReportDoc['status']): Promise<{ roomId: string; reports: Report[] }> {
    await this.membership.require(roomId, userId, 'readReports');
    return { roomId, reports: (await this.reports.list(roomId, status, MAX_LISTED)).map(toReport) };
  }

  async resolve(userId: string, roomId: string, reportId: string, resolution: string): Promise<Report> {
    await this.membership.require(roomId, userId, 'readReports');
    const at = new Date();
    const before = await this.reports.resolve(roomId, new ObjectId(reportId), userId, resolution, at);
    if (!before) throw new ChatError(ErrorCode.NOT_FOUND, `no open report ${reportId} in room ${roomId}`);
    await this.audit.append([
      {
        roomId,
        actorId: userId,
        action: 'report.resolved',
        targetId: reportId,
        before: { status: 'open' },
        after: { status: 'resolved', resolution },
      },
    ]);
    return toReport({ ...before, status: 'resolved', resolvedBy: userId, resolvedAt: at, resolution });
  }
}

function toReport(doc: MessageReportDoc): Report {
  return {
    reportId: doc._id.toHexString(),
    roomId: doc.roomId,
    messageId: doc.messageId.toHexString(),
    reporterId: doc.reporterId,
    reason: doc.reason,
    status: doc.status,
    createdAt: doc.createdAt.toISOString(),
    ...(doc.resolvedBy ? { resolvedBy: doc.resolvedBy } : {}),
    ...(doc.resolvedAt ? { resolvedAt: doc.resolvedAt.toISOString() } : {}),
    ...(doc.resolution ? { resolution: doc.resolution } : {}),
  };
}
