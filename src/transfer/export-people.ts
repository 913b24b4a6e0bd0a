import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { forbidden } from '../lib/errors';
import { FIELD_BY_API, classificationOf } from '../records/registry';
import { filter, visibleWhere } from '../policy/filter';
import { teamFlag } from '../policy/relations';
import { present } from '../policy/present';
import { purposeInForceFor } from '../purposes/in-force';

/** The person columns of a people CSV, by API field name (the same names import accepts). */
export const PERSON_COLUMNS = [
  'givenName', 'familyName', 'kind', 'dateOfBirth', 'email', 'phone', 'address', 'pronouns', 'preferredName', 'ethnicity',
  'healthNotes', 'safeguardingNotes',
] as const;

/** Export header: the record id, the person columns, and which fields were withheld from this user. */
export const EXPORT_HEADER = ['id', ...PERSON_COLUMNS, 'restricted'] as const;

const BATCH = 1000;

/** Where an export goes on: the last (sort key, id) written, or null at the start. */
export type ExportCursor = { key: string; id: string } | null;

/**
 * One page of the people the actor needs to know about, as CSV rows, after `after` (keyset paging by sort key and
 * id) — 3.4: exports filter in SQL with the same rules as lists, and redact field by field as a single read does.
 * Cells the actor may not see are empty and named in the `restricted` column. Every person whose non-general fields
 * are included gets an audit entry naming the fields (never their values) and the export's purpose, as a read
 * would. Archived people are left out. An actor-level denial (policy not accepted, 3.5) is a forbidden domain
 * error. `next` is null on the last page.
 *
 * 2.1, 3.1: an export takes information out of the system for a use, so it names the purpose from the register it
 * serves, in force on every page: a draft, retired or overdue purpose is refused (purposes/not-in-force, audited),
 * and one retired while a long export runs stops it at the next page.
 */
export async function exportPeoplePage(ctx: Ctx, after: ExportCursor, purposeId: string, batch = BATCH): Promise<{ rows: string[][]; next: ExportCursor }> {
  const scope = filter(ctx.actor, 'person.read');
  if (scope.kind === 'none' && scope.denial) throw forbidden(scope.denial);
  await purposeInForceFor(ctx, purposeId, 'purpose', 'person.read', null);
  if (scope.kind === 'none') return { rows: [], next: null };
  const out: string[][] = [];
  const rows = await ctx.db
    .selectFrom('people')
    .selectAll('people')
    .select((eb) => teamFlag(eb, 'person', ctx.actor.id))
    .where((eb) =>
      eb.and([
        visibleWhere(eb, 'person', scope, ctx.actor, 'set'),
        eb('people.archived_at', 'is', null),
        after ? eb.or([eb('people.sort_key', '>', after.key), eb.and([eb('people.sort_key', '=', after.key), eb('people.id', '>', after.id)])]) : eb.and([]),
      ]),
    )
    .orderBy('people.sort_key')
    .orderBy('people.id')
    .limit(batch)
    .execute();
  for (const row of rows) {
    const p = present(ctx.actor, 'person.read', 'person', row);
    if (!p.decision.allowed) continue; // the SQL filter and decide agree (property test); never emit a denied row
    const restricted = p.restricted.map((r) => r.field).filter((f) => (PERSON_COLUMNS as readonly string[]).includes(f));
    out.push([row.id, ...PERSON_COLUMNS.map((c) => (c in p.data ? (p.data[c] as string | null) : null)) as string[], restricted.join(' ')]);
    const fields = PERSON_COLUMNS.filter((c) => c in p.data && classificationOf(FIELD_BY_API.person.get(c)!, row) !== 'general');
    if (fields.length) {
      const classes = [...new Set(fields.map((c) => classificationOf(FIELD_BY_API.person.get(c)!, row)))].sort();
      ctx.audit.add(fromDecision('person.read', p.decision, { resourceType: 'person', resourceId: row.id, subjectPersonId: row.id, detail: { fields: [...fields], classes, via: 'export', purposeId } }));
    }
  }
  const last = rows[rows.length - 1];
  return { rows: out, next: rows.length < batch || !last ? null : { key: last.sort_key, id: last.id } };
}
