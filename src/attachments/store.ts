import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { Config } from '../config';
import { DomainError, invalidInput, tooLarge } from '../lib/errors';
import { textFault } from '../lib/text';
import { HEAD_BYTES } from './sniff';

/** A file taken in from an upload and written to a temporary name under DATA_DIR, with what we learnt on the way. */
export interface SpooledFile {
  tmpPath: string;
  sha256: string;
  size: number;
  head: Buffer;
  /** Valid UTF-8 without control characters other than tab, newline, form feed and carriage return. */
  text: boolean;
  declaredType: string;
  clientFilename: string;
}

/**
 * One part of an upload form as it arrives: a text field, or a file whose bytes are still streaming in. The HTTP
 * layer turns its multipart parser's parts into these (src/http/uploads.ts).
 */
export type UploadPart =
  | { kind: 'field'; name: string; value: string; /** Cut at the field size limit. */ truncated: boolean }
  | {
      kind: 'file';
      name: string;
      /** The filename the sender gave (display only; never a path). */
      filename: string;
      /** The media type the sender declared. */
      declaredType: string;
      stream: Readable;
      /** Whether the stream was cut at the sender's size limit; read once the stream has ended. */
      truncated: () => boolean;
    };

/** An upload: its form fields and its one file (if any). */
export interface Spooled {
  fields: Record<string, string>;
  file: SpooledFile | null;
}

const SHA256 = /^[0-9a-f]{64}$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/;

/** Where attachment files live: DATA_DIR/attachments. */
export const attachmentsRoot = (config: Config) => join(config.dataDir, 'attachments');

/**
 * The path of stored content: DATA_DIR/attachments/<first 2 hex of sha256>/<sha256>. Content-addressed: built
 * only from the hash, never from anything the client named, so no upload can choose where it is written.
 */
export function contentPath(config: Config, sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error('contentPath: not a sha256 hex digest');
  return join(attachmentsRoot(config), sha256.slice(0, 2), sha256);
}

const fileTooLarge = (max: number) => tooLarge(`The file is larger than allowed (${max} bytes).`, [{ path: 'body.file', message: 'too large' }]);

/** Streams one file part to `tmpPath`, hashing, counting and checking for text as it goes; 413 over `max`. */
async function spoolFile(part: Extract<UploadPart, { kind: 'file' }>, tmpPath: string, max: number): Promise<SpooledFile> {
  const hash = createHash('sha256');
  const heads: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let text = true;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const checkText = (chunk?: Buffer) => {
    if (!text) return;
    try {
      const s = chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
      if (CONTROL.test(s)) text = false;
    } catch {
      text = false;
    }
  };
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > max) return done(fileTooLarge(max));
      hash.update(chunk);
      if (headLength < HEAD_BYTES) {
        heads.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      checkText(chunk);
      done(null, chunk);
    },
  });
  await pipeline(part.stream, tap, createWriteStream(tmpPath, { flags: 'wx', mode: 0o600 }));
  if (part.truncated()) throw fileTooLarge(max);
  checkText();
  return {
    tmpPath, sha256: hash.digest('hex'), size, head: Buffer.concat(heads), text,
    declaredType: part.declaredType, clientFilename: part.filename,
  };
}

/**
 * Takes in an upload form: fields as strings and at most one file, in the part named "file", streamed to a
 * temporary file (never held in memory). Fields may come before or after the file. Over-long fields, repeated
 * fields and stray file parts are invalid input; a file over MAX_UPLOAD_BYTES is too large. On any failure the temp
 * file is gone.
 */
export async function spoolUpload(parts: AsyncIterable<UploadPart>, config: Config): Promise<Spooled> {
  const tmpDir = join(attachmentsRoot(config), 'tmp');
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  const fields: Record<string, string> = {};
  let file: SpooledFile | null = null;
  let tmpPath: string | null = null;
  try {
    for await (const part of parts) {
      if (part.kind === 'file') {
        if (part.name !== 'file' || file) {
          part.stream.resume();
          throw invalidInput('Send one file, in the form field "file".', [{ path: `body.${part.name.slice(0, 50)}`, message: 'unexpected file' }]);
        }
        const nameFault = part.filename ? fileNameFault(part.filename) : null;
        if (nameFault) {
          part.stream.resume();
          throw invalidInput('The file name cannot be stored.', [{ path: 'body.file', message: `file name ${nameFault}` }]);
        }
        tmpPath = join(tmpDir, randomUUID());
        file = await spoolFile(part, tmpPath, config.maxUploadBytes);
      } else {
        const nameFault = textFault(part.name);
        if (nameFault) throw invalidInput('A form field name cannot be stored.', [{ path: 'body', message: `field name ${nameFault}` }]);
        const name = part.name.slice(0, 50);
        const valueFault = textFault(String(part.value));
        if (valueFault) throw invalidInput('A form field cannot be stored.', [{ path: `body.${name}`, message: valueFault }]);
        if (part.truncated) throw invalidInput('A form field is too long.', [{ path: `body.${name}`, message: 'too long' }]);
        if (name in fields || name === '__proto__') throw invalidInput('A form field was sent twice.', [{ path: `body.${name}`, message: 'sent more than once' }]);
        fields[name] = String(part.value);
      }
    }
  } catch (error) {
    if (tmpPath) await rm(tmpPath, { force: true });
    throw asClientError(error);
  }
  return { fields, file };
}

/**
 * The parser's own errors for a broken body (busboy's "Unexpected end of multipart data", a part terminated early)
 * carry no status: they are the client's fault, so invalid input. Domain errors, framework errors with a status and system errors
 * of the disk (ENOSPC, EACCES …) pass through unchanged: those are real server faults.
 */
function asClientError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const e = error as { statusCode?: unknown; code?: unknown } | null;
  if (!e || typeof e.statusCode === 'number' || (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))) return error;
  return invalidInput('The multipart body is malformed or incomplete.', [{ path: 'body', message: 'malformed multipart/form-data' }]);
}

/**
 * Moves a spooled file to its content address. Called last in the creating transaction, after the row is
 * inserted: if the move fails the transaction rolls back and no row points at a missing file. Identical content
 * already stored is kept and the temp file dropped. Returns the stored path.
 */
export async function placeFile(config: Config, tmpPath: string, sha256: string): Promise<string> {
  const dest = contentPath(config, sha256);
  await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
  const exists = await stat(dest).then((s) => s.isFile(), () => false);
  if (exists) await rm(tmpPath, { force: true });
  else await rename(tmpPath, dest);
  return dest;
}

/** Removes a temp file if it is still there (after a failed or finished upload). */
export const removeTemp = (tmpPath: string) => rm(tmpPath, { force: true });

/**
 * Why a sent file name is refused, or null: text no engine stores alike (src/lib/text.ts), or a path. A name with
 * path parts used to be cut to its last part silently, so the stored name differed from the one sent (issue 9).
 */
export function fileNameFault(name: string): string | null {
  const fault = textFault(name);
  if (fault) return fault;
  if (/[\\/]/.test(name)) return 'must be a name without folders (no / or \\)';
  return null;
}

/**
 * The filename to store and show: no path parts, no control or bidirectional-override characters, no leading
 * dots, at most 200 characters (keeping the extension). Only ever shown, never used in a path.
 */
export function sanitiseFilename(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
  name = name.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, '').trim().replace(/^\.+/, '').trim();
  if (!name) return 'attachment';
  const chars = [...name];
  if (chars.length <= 200) return name;
  const ext = /\.[A-Za-z0-9]{1,10}$/.exec(name)?.[0] ?? '';
  return chars.slice(0, 200 - ext.length).join('') + ext;
}
