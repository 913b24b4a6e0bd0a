import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import type { EqualityDeclarationRow } from '../db/schema';
import { notFound } from '../lib/errors';
import { decide } from '../policy/decide';
import { findVisible } from '../records/guard';
import { CHARACTERISTICS, CHARACTERISTIC_KEYS } from './characteristics';
import type { RecordEqualityInput } from './schema';

/** The calendar quarter of a time, e.g. "2026-Q4". */
export const quarterOf = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/**
 * The person's own recording path: the person is visible to the actor, and the actor may record their equality
 * answers (equality/case-team-records: staff or a manager on the case team). Anyone else who could record for some
 * person gets 404 here, as for a record they may not act on (the path does not exist for them); the refusal is
 * audited with the rule that decided.
 */
async function recordingPath(ctx: Ctx, personId: string) {
  const person = await findVisible(ctx, 'person', personId, 'equality.record');
  const d = decide(ctx.actor, 'equality.record', { ...person.facts, classification: 'special' });
  if (!d.allowed) {
    ctx.audit.add(fromDecision('equality.record', d, { resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { visible: true } }));
    throw notFound('person');
  }
  return { person, decision: d };
}

/**
 * Records the equality monitoring answers a person chose to give (optional, self-declared, special category),
 * replacing earlier ones. The quarter of the first recording is kept (reports count closed quarters), and the
 * services of the person's cases are frozen now, so later cases never change a closed period. Write-only: returns
 * nothing. Audited with the questions answered, never the answers.
 */
export async function recordEquality(ctx: Ctx, personId: string, input: RecordEqualityInput): Promise<void> {
  const { person, decision } = await recordingPath(ctx, personId);
  const existing = await ctx.db.selectFrom('equality_declarations').select('recorded_quarter').where('person_id', '=', personId).executeTakeFirst();
  const row: EqualityDeclarationRow = {
    person_id: personId, recorded_quarter: existing?.recorded_quarter ?? quarterOf(ctx.now),
    age_band: null, gender: null, ethnicity: null, disability: null, religion: null, sexual_orientation: null,
  };
  for (const c of CHARACTERISTIC_KEYS) row[CHARACTERISTICS[c].column] = input[c] ?? null;
  await ctx.db.deleteFrom('equality_declaration_services').where('person_id', '=', personId).execute();
  if (existing) {
    const { person_id: _id, ...values } = row;
    await ctx.db.updateTable('equality_declarations').set(values).where('person_id', '=', personId).execute();
  } else {
    await ctx.db.insertInto('equality_declarations').values(row).execute();
  }
  const services = await ctx.db.selectFrom('cases').select('service').distinct().where('person_id', '=', personId).execute();
  if (services.length) await ctx.db.insertInto('equality_declaration_services').values(services.map((s) => ({ person_id: personId, service: s.service }))).execute();
  ctx.audit.add({
    ...fromDecision('equality.record', decision, {
      resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId,
      detail: { answered: CHARACTERISTIC_KEYS.filter((c) => input[c] !== undefined), replaced: !!existing },
    }),
    decision: 'change',
  });
}

/**
 * Removes a person's equality answers at their request (the same recording path), at once. Idempotent. Counts of
 * quarters already closed and frozen (src/equality/report.ts) are anonymous aggregates and keep counting them: that
 * is what keeps a withdrawal from being read off two reports.
 */
export async function withdrawEquality(ctx: Ctx, personId: string): Promise<void> {
  const { person, decision } = await recordingPath(ctx, personId);
  await ctx.db.deleteFrom('equality_declaration_services').where('person_id', '=', personId).execute();
  const removed = await ctx.db.deleteFrom('equality_declarations').where('person_id', '=', personId).executeTakeFirst();
  ctx.audit.add({
    ...fromDecision('equality.record', decision, { resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId, detail: { withdrawn: true, removed: Number(removed.numDeletedRows) > 0 } }),
    decision: 'change',
  });
}
