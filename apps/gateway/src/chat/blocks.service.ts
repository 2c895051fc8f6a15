import { ChatError, ErrorCode } from '@campzone/protocol';
import type { BlockRepository } from '@campzone/store';

/** A user's own blocks: who may not open or post in a one-to-one room with them. */
export class BlocksService {
  constructor(private readonly blocks: BlockRepository) {}

  async block(userId: string, blockedId: string): Promise<{ blocked: string[] }> {
    if (userId === blockedId) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'userId: you cannot block yourself');
    await this.blocks.block(userId, blockedId);
    return this.list(userId);
  }

  async unblock(userId: string, blockedId: string): Promise<{ blocked: string[] }> {
    await this.blocks.unblock(userId, blockedId);
    return this.list(userId);
  }

  async list(userId: string): Promise<{ blocked: string[] }> {
    return { blocked: await this.blocks.blockedBy(userId) };
  }
}
