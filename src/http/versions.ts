import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalidInput, versionRequired } from '../lib/errors';

/*
 * Optimistic concurrency over HTTP: a record's version travels as its ETag, and an update sends it back in
 * If-Match. The update itself (records/versioned.ts) only compares versions.
 */

/** Reads the version from If-Match ("3" or W/"3"); version required when absent, invalid input when malformed. */
export function ifMatchVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (header === undefined) {
    throw versionRequired('Send the If-Match header with the ETag you loaded, so no update is lost.', [{ path: 'header.if-match', message: 'required' }]);
  }
  const m = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(String(header));
  if (!m) throw invalidInput('If-Match must be the ETag you loaded, e.g. "3".', [{ path: 'header.if-match', message: 'malformed' }]);
  return Number(m[1]);
}

/** The ETag of a record version. */
export const etagOf = (version: number) => `"${version}"`;

/** Sets the ETag header for a record so the client can send it back in If-Match. */
export function setEtag(reply: FastifyReply, version: unknown) {
  reply.header('etag', etagOf(Number(version)));
}
