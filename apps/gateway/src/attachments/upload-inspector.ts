import { Transform, type TransformCallback } from 'node:stream';
import { ChatError, ErrorCode } from '@campzone/protocol';
import { SNIFF_BYTES, sniffContent } from './content-sniffer';

export interface InspectorOptions {
  maxBytes: number;
  allowedTypes: readonly string[];
}

/**
 * Sits between the upload and the object store: holds back the first bytes until their type
 * is decided (so a refused file never reaches the store), then passes everything through,
 * counting. Past maxBytes, or for a refused type, it fails with the ChatError to answer.
 */
export class UploadInspector extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided: string | undefined;
  private total = 0;

  constructor(private readonly options: InspectorOptions) {
    super();
  }

  /** The decided content type; set once the first bytes passed (or the file ended). */
  get contentType(): string | undefined {
    return this.decided;
  }

  get size(): number {
    return this.total;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.total += chunk.length;
    if (this.total > this.options.maxBytes) {
      done(new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `the file is larger than ${this.options.maxBytes} bytes`));
      return;
    }
    if (this.decided !== undefined) {
      done(null, chunk);
      return;
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) {
      done();
      return;
    }
    done(this.decide());
  }

  override _flush(done: TransformCallback): void {
    if (this.decided !== undefined) {
      done();
      return;
    }
    if (this.total === 0) {
      done(new ChatError(ErrorCode.VALIDATION_FAILED, 'the file is empty'));
      return;
    }
    done(this.decide());
  }

  private decide(): ChatError | null {
    const head = Buffer.concat(this.head);
    this.head = [];
    const sniffed = sniffContent(head.subarray(0, SNIFF_BYTES));
    if (sniffed.kind === 'refused') return new ChatError(ErrorCode.VALIDATION_FAILED, `refused: ${sniffed.reason}`);
    if (!this.options.allowedTypes.includes(sniffed.contentType)) {
      return new ChatError(ErrorCode.VALIDATION_FAILED, `refused: ${sniffed.contentType} is not among the allowed types`);
    }
    this.decided = sniffed.contentType;
    this.push(head);
    return null;
  }
}
