import { contentDisposition } from '@campzone/objects';
import {
  AttachmentBytesSchema,
  AttachmentInfoSchema,
  AttachmentParamsSchema,
  AttachmentRedirectSchema,
  ChatError,
  ErrorCode,
  RoomAttachmentParamsSchema,
  RoomParamsSchema,
} from '@campzone/protocol';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import type { Authenticator } from '../auth/authenticator';
import type { AttachmentService, Download } from '../chat/attachment.service';
import { authenticate, principalOf } from './auth.hook';

export interface AttachmentRoutesOptions {
  attachments: AttachmentService;
  auth: Authenticator;
  /** ATTACHMENT_MAX_BYTES. */
  maxBytes: number;
}

/** A multipart envelope (boundaries, part headers) is small; a body this much over the limit cannot fit. */
const MULTIPART_OVERHEAD = 16 * 1024;

/**
 * A download's answers: the bytes, streamed by the gateway from a local store (never serialized;
 * `mediaType` is what the Content-Type can be), or a 302 to a signed URL when the store is S3.
 */
function downloadResponses(mediaType: string, description: string) {
  return { 200: { description, content: { [mediaType]: { schema: AttachmentBytesSchema } } }, 302: AttachmentRedirectSchema };
}

export const attachmentRoutes: FastifyPluginAsyncTypebox<AttachmentRoutesOptions> = async (app, { attachments, auth, maxBytes }) => {
  // One file part and nothing else; busboy stops feeding the file one byte past the limit.
  await app.register(multipart, { limits: { files: 1, fileSize: maxBytes + 1, fields: 0, parts: 1, headerPairs: 20 } });
  app.addHook('preHandler', authenticate(auth));

  app.post(
    '/v1/rooms/:roomId/attachments',
    { schema: { params: RoomParamsSchema, response: { 201: AttachmentInfoSchema } } },
    async (request, reply) => {
      const { roomId } = request.params;
      const { userId } = principalOf(request);
      try {
        const declared = Number(request.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) {
          throw new ChatError(ErrorCode.PAYLOAD_TOO_LARGE, `the upload is larger than ${maxBytes} bytes`);
        }
        await attachments.checkUploader(roomId, userId);
        if (!request.isMultipart()) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'send the file as multipart/form-data (field `file`)');
        const file = await request.file();
        if (!file) throw new ChatError(ErrorCode.VALIDATION_FAILED, 'the multipart body holds no file');
        const info = await attachments.upload(userId, roomId, file.filename, file.file);
        request.log.info(
          { roomId, userId, attachmentId: info.attachmentId, size: info.size, contentType: info.contentType },
          'attachment uploaded',
        );
        return reply.status(201).send(info);
      } catch (err) {
        // The rest of a refused body is never read: the connection closes after the answer.
        reply.header('connection', 'close');
        throw err;
      }
    },
  );

  app.get(
    '/v1/rooms/:roomId/attachments/:attachmentId',
    { schema: { params: RoomAttachmentParamsSchema, response: { 200: AttachmentInfoSchema } } },
    async (request) => {
      const { roomId, attachmentId } = request.params;
      return attachments.info(principalOf(request).userId, roomId, attachmentId);
    },
  );

  app.get(
    '/v1/attachments/:attachmentId',
    {
      schema: {
        params: AttachmentParamsSchema,
        // Any type the upload allowed (ATTACHMENT_ALLOWED_TYPES), as decided from the bytes.
        response: downloadResponses('*/*', 'the file, with the content type decided at upload'),
      },
    },
    async (request, reply) => send(reply, await attachments.download(principalOf(request).userId, request.params.attachmentId, 'original')),
  );

  app.get(
    '/v1/attachments/:attachmentId/thumbnail',
    { schema: { params: AttachmentParamsSchema, response: downloadResponses('image/webp', "the image's WebP preview") } },
    async (request, reply) =>
      send(reply, await attachments.download(principalOf(request).userId, request.params.attachmentId, 'thumbnail')),
  );
};

function send(reply: FastifyReply, download: Download) {
  // Answers depend on who asks: no shared cache may keep them.
  reply.header('cache-control', 'private, no-store');
  if (download.kind === 'redirect') return reply.redirect(download.url, 302);
  return (
    reply
      .header('content-type', download.contentType)
      .header('content-disposition', contentDisposition(download.disposition, download.fileName))
      .header('x-content-type-options', 'nosniff')
      // Even if a browser did render it, the document could run nothing and reach nothing.
      .header('content-security-policy', "default-src 'none'; sandbox")
      .send(download.body)
  );
}
