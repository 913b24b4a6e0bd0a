import { open } from 'node:fs/promises';
import { unsupportedMediaType } from '../lib/errors';

/** The file types Confide accepts, by what their bytes say, with the content type it stores and serves. */
export const CONTENT_TYPES = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  odt: 'application/vnd.oasis.opendocument.text',
  text: 'text/plain',
  csv: 'text/csv',
} as const;
export type FileKind = keyof typeof CONTENT_TYPES;

/** How many leading bytes the sniffer needs (an ODF "mimetype" entry ends at byte 77). */
export const HEAD_BYTES = 128;

const ODT_MIMETYPE = 'application/vnd.oasis.opendocument.text';
/** Declared types that say nothing (the browser did not know): the bytes decide. */
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/x-download']);
/** Other names clients use for the same types. */
const ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg', 'image/pjpeg': 'image/jpeg', 'application/x-pdf': 'application/pdf' };
const CSV_NAMES = new Set(['text/csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel']);

const starts = (head: Buffer, bytes: number[] | string, at = 0) => {
  const b = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes);
  return head.length >= at + b.length && head.subarray(at, at + b.length).equals(b);
};

/** The kind a file's magic bytes announce, 'zip' for any ZIP container, or null when none matches. */
export function sniffMagic(head: Buffer): Exclude<FileKind, 'docx' | 'xlsx' | 'odt' | 'text' | 'csv'> | 'zip' | null {
  if (starts(head, '%PDF-')) return 'pdf';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (starts(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (starts(head, 'GIF87a') || starts(head, 'GIF89a')) return 'gif';
  if (starts(head, 'RIFF') && starts(head, 'WEBP', 8)) return 'webp';
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  return null;
}

/** The names of the entries of a ZIP file, from its central directory; null when it is not a plain ZIP. */
export async function zipEntryNames(path: string, size: number): Promise<string[] | null> {
  const fh = await open(path, 'r');
  try {
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(tailLength);
    await fh.read(tail, 0, tailLength, size - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return null;
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size || cdSize > 16 * 1024 * 1024) return null; // ZIP64 or damaged
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (p + 46 > cdSize || cd.readUInt32LE(p) !== 0x02014b50) return null;
      const nameLength = cd.readUInt16LE(p + 28);
      const rest = cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
      names.push(cd.toString('utf8', p + 46, p + 46 + nameLength));
      p += 46 + nameLength + rest;
    }
    return names;
  } finally {
    await fh.close();
  }
}

/**
 * Which office document a ZIP is: DOCX and XLSX by their parts (macro-enabled ones are refused: they carry code),
 * ODT by its leading, uncompressed "mimetype" entry. Null for any other ZIP.
 */
export async function officeKind(path: string, size: number, head: Buffer): Promise<'docx' | 'xlsx' | 'odt' | null> {
  const names = await zipEntryNames(path, size);
  if (!names) return null;
  if (names.some((n) => /vbaProject\.bin$/i.test(n))) return null;
  const has = (n: string) => names.includes(n);
  if (has('[Content_Types].xml') && has('word/document.xml')) return 'docx';
  if (has('[Content_Types].xml') && has('xl/workbook.xml')) return 'xlsx';
  if (starts(head, 'mimetype', 30) && starts(head, ODT_MIMETYPE, 38) && has('content.xml')) return 'odt';
  return null;
}

const unsupported = (detail: string) => unsupportedMediaType(detail, [{ path: 'body.file', message: detail }]);

/** The media type as sent, lower-cased and without parameters. */
export const normaliseType = (declared: string | undefined) => (declared ?? '').split(';')[0].trim().toLowerCase();

/**
 * The content type to store for a file, from what its bytes are (`kind`, null when not an allowed type) checked
 * against what the client declared: a declared type the bytes contradict is refused (415), so a script cannot be
 * filed as a picture. The stored type is always Confide's own, never the client's string.
 */
export function resolveContentType(kind: FileKind | null, declaredRaw: string | undefined): string {
  const declared = normaliseType(declaredRaw);
  if (kind === null) throw unsupported('This type of file is not accepted: send a PDF, PNG, JPEG, GIF, WebP, plain text, CSV, DOCX, XLSX or ODT file.');
  const generic = GENERIC.has(declared);
  if (kind === 'text' || kind === 'csv') {
    if (generic || declared === 'text/plain') return CONTENT_TYPES.text;
    if (CSV_NAMES.has(declared)) return CONTENT_TYPES.csv;
  } else {
    const canonical = CONTENT_TYPES[kind];
    const zipped = kind === 'docx' || kind === 'xlsx' || kind === 'odt';
    if (generic || declared === canonical || ALIASES[declared] === canonical || (zipped && declared === 'application/zip')) return canonical;
  }
  throw unsupported("The file's contents do not match its declared type.");
}
