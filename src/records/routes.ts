import { z, type ZodType } from 'zod';
import type { Ctx } from '../context';
import { route, type AnyRoute } from '../http/route';
import type { Action } from '../policy/actions';
import { ifMatchVersion, setEtag } from '../http/versions';

type Versioned = { version: number };
const idParams = z.strictObject({ id: z.uuid() });

/** What a versioned record type offers: read, field-checked update and archive, each by id. */
export interface VersionedRecordRoutes<U> {
  type: 'person' | 'case' | 'note' | 'organisation';
  /** Collection path, e.g. /api/people. */
  path: string;
  tags: string[];
  read: { summary: string; run: (ctx: Ctx, id: string) => Promise<Versioned> };
  update: { summary: string; body: ZodType<U>; run: (ctx: Ctx, id: string, version: number, body: U) => Promise<Versioned> };
  archive: { summary: string; run: (ctx: Ctx, id: string, version: number) => Promise<Versioned> };
}

/**
 * The three routes every versioned record has, built one way: GET path/:id and PATCH path/:id (If-Match) and
 * POST path/:id/archive (If-Match), each answering with the record and its ETag.
 */
export function versionedRecordRoutes<U>(o: VersionedRecordRoutes<U>): AnyRoute[] {
  const tagged = async (reply: { header(name: string, value: string): unknown }, record: Promise<Versioned>) => {
    const r = await record;
    setEtag(reply as never, r.version);
    return r;
  };
  return [
    route({
      method: 'GET', url: `${o.path}/:id`, action: `${o.type}.read` as Action, tags: o.tags, params: idParams, summary: o.read.summary,
      handler: (ctx, { params, reply }) => tagged(reply, o.read.run(ctx, params.id)),
    }),
    route({
      method: 'PATCH', url: `${o.path}/:id`, action: `${o.type}.update` as Action, tags: o.tags, params: idParams, body: o.update.body,
      summary: o.update.summary,
      handler: (ctx, { params, body, request, reply }) => tagged(reply, o.update.run(ctx, params.id, ifMatchVersion(request), body)),
    }),
    route({
      method: 'POST', url: `${o.path}/:id/archive`, action: `${o.type}.archive` as Action, tags: o.tags, params: idParams, summary: o.archive.summary,
      handler: (ctx, { params, request, reply }) => tagged(reply, o.archive.run(ctx, params.id, ifMatchVersion(request))),
    }),
  ];
}
