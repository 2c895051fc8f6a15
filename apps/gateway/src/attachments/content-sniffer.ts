/** What the first bytes of an upload say it is. */
export type SniffResult = { kind: 'type'; contentType: string } | { kind: 'refused'; reason: string };

/** Bytes the sniffer wants before it decides (fewer only when the whole file is shorter). */
export const SNIFF_BYTES = 4096;

const startsWith = (head: Buffer, bytes: number[], offset = 0) => bytes.every((b, i) => head[offset + i] === b);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

const MAGIC: Array<{ contentType: string; test: (head: Buffer) => boolean }> = [
  { contentType: 'image/png', test: (h) => startsWith(h, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { contentType: 'image/jpeg', test: (h) => startsWith(h, [0xff, 0xd8, 0xff]) },
  { contentType: 'image/gif', test: (h) => startsWith(h, ascii('GIF87a')) || startsWith(h, ascii('GIF89a')) },
  { contentType: 'image/webp', test: (h) => startsWith(h, ascii('RIFF')) && startsWith(h, ascii('WEBP'), 8) },
  { contentType: 'application/pdf', test: (h) => startsWith(h, ascii('%PDF-')) },
  // Office documents (docx, xlsx, pptx) and OpenDocument are zip files too.
  { contentType: 'application/zip', test: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]) || startsWith(h, [0x50, 0x4b, 0x05, 0x06]) },
];

/** Programs a campus chat never carries, whatever the allowlist says. */
const EXECUTABLES: Array<{ reason: string; test: (head: Buffer) => boolean }> = [
  { reason: 'an ELF executable', test: (h) => startsWith(h, [0x7f, 0x45, 0x4c, 0x46]) },
  { reason: 'a Windows executable (MZ/PE)', test: (h) => startsWith(h, ascii('MZ')) },
  {
    reason: 'a Mach-O executable',
    test: (h) =>
      [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xca, 0xfe, 0xba, 0xbe],
      ].some((magic) => startsWith(h, magic)),
  },
  { reason: 'a script (#!)', test: (h) => startsWith(h, ascii('#!')) },
];

/** Markup a browser would run if it ever rendered the file: HTML, SVG (which carries script), XML. */
const MARKUP = /<\s*(!doctype\s+html|html|head|body|script|iframe|svg|object|embed)\b|<\?xml/i;

/**
 * Decides an upload's type from its first bytes (never its name or declared type). Executables
 * and markup are refused outright; UTF-8 text without NUL bytes is text/plain; anything else
 * unknown is application/octet-stream, which the default allowlist does not take.
 */
export function sniffContent(head: Buffer): SniffResult {
  for (const exe of EXECUTABLES) if (exe.test(head)) return { kind: 'refused', reason: `the file is ${exe.reason}` };
  for (const magic of MAGIC) if (magic.test(head)) return { kind: 'type', contentType: magic.contentType };
  const text = asUtf8Text(head);
  if (text === undefined) return { kind: 'type', contentType: 'application/octet-stream' };
  if (MARKUP.test(text)) return { kind: 'refused', reason: 'the file is HTML, SVG or XML markup' };
  return { kind: 'type', contentType: 'text/plain' };
}

function asUtf8Text(head: Buffer): string | undefined {
  if (head.includes(0)) return undefined;
  try {
    // stream: a multi-byte character cut at the end of the head is not an error.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(head, { stream: true });
  } catch {
    return undefined;
  }
}
