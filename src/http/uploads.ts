import type { FastifyRequest } from 'fastify';
import type { UploadPart } from '../attachments/store';

/** The parts of a multipart/form-data request, as the upload use cases take them in. */
export async function* formParts(request: FastifyRequest): AsyncIterable<UploadPart> {
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      const file = part.file;
      yield { kind: 'file', name: part.fieldname, filename: part.filename ?? '', declaredType: part.mimetype ?? '', stream: file, truncated: () => file.truncated };
    } else {
      yield { kind: 'field', name: part.fieldname, value: String(part.value), truncated: part.valueTruncated };
    }
  }
}
