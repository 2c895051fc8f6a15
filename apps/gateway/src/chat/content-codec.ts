/**
 * How message content is stored: as is, or sealed with the room's data key when encryption
 * at rest is on. Clients only ever see what `open` returns.
 */
export interface ContentCodec {
  seal(roomId: string, plaintext: string): Promise<{ content: string; keyVersion?: number }>;
  open(roomId: string, content: string, keyVersion?: number): Promise<string>;
}

export const plaintextCodec: ContentCodec = {
  seal: async (_roomId, plaintext) => ({ content: plaintext }),
  open: async (_roomId, content) => content,
};
