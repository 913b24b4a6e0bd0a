import { enforce } from '../audit/enforce';
import { sql } from 'kysely';
import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { preparedQuery } from '../db/prepared';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { present, type Presented } from '../policy/present';
import { conductColumn, factsFor, teamFlag } from '../policy/relations';
import type { Classification, Decision, Resource } from '../policy/types';
import { notFound, refused, type FieldError } from '../lib/errors';
import { capabilities, type Can } from './can';
import { FIELD_BY_API, RECORDS, classificationOf, readActionOf, recordOf, type RecordType } from './registry';
import { notFoundAudited } from '../audit/not-found';

/**
 * A row loaded with its decision facts: the `_team` flag and `_subject`, the person the record is about; for a type
 * held for a purpose (its descriptor's `heldFor`, 2.1), `_purpose` and that purpose's `_purpose_status` and
 * `_purpose_review` (its next review date).
 */
export type FactRow = Record<string, unknown> & { id: string; _team: number; _subject: string | null; _purpose?: string | null };

/**
 * One row with its facts, per record type: built once, run on every read (src/db/prepared.ts). The person the
 * record is about (its descriptor's subject, for "who has seen this person's records") is a column of the same
 * query: a refused record then costs exactly the queries a missing one does (3.4: no timing difference between the
 * 404s).
 */
const rowWithFacts = Object.fromEntries(
  RECORDS.map(({ type, table, subjectPerson }) => [
    type,
    preparedQuery<{ id: string; actorId: string }, FactRow>((kysely, param) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const db = kysely as any; // the table is chosen per type; columns are checked by its descriptor's fields
      // Whose own conduct the record is about (a breach: clause 5), for the `own-conduct` relation's facts.
      const conduct = (recordOf(type).conduct ?? []).map((e, i) => sql.raw<string | null>(e).as(conductColumn(i)));
      // The purpose the record is held for and its state (2.1): one primary-key join, for the types held for one.
      const heldFor = recordOf(type).heldFor;
      const held = heldFor
        ? [sql.raw<string | null>(heldFor).as('_purpose'), sql.ref('held_purpose.status').as('_purpose_status'), sql.ref('held_purpose.next_review_on').as('_purpose_review')]
        : [];
      let q = db.selectFrom(table);
      if (heldFor) q = q.leftJoin('purposes as held_purpose', (join: { on: (e: unknown) => unknown }) => join.on(sql`held_purpose.id = ${sql.raw(heldFor)}`));
      return q
        .selectAll(table)
        .select((eb: never) => [teamFlag(eb, type, param('actorId')), sql.raw<string | null>(subjectPerson ?? 'null').as('_subject'), ...conduct, ...held])
        .where(`${table}.id`, '=', param('id'));
    }),
  ]),
) as Record<RecordType, ReturnType<typeof preparedQuery<{ id: string; actorId: string }, FactRow>>>;

/** Loads one row with the facts a decision needs (for `actorId`, default the acting user), in one query. */
export async function loadWithFacts(ctx: Ctx, type: RecordType, id: string, actorId: string = ctx.actor.id): Promise<FactRow | undefined> {
  const [row] = await rowWithFacts[type](ctx.db, { id, actorId }, ctx.services.db.sqlite);
  return row;
}

/** A record the actor may see (its general fields), with the facts later decisions need. */
export interface Visible {
  row: FactRow;
  facts: Resource;
  subjectPersonId: string | null;
  /** The safeguarding work the record was looked up for: refusals on it are audited against that work (practice 4.1). */
  within?: Work;
}

/**
 * Safeguarding work a lookup is part of (a concern, or a disclosure a referral made). A refusal met in it is
 * audited against the work, naming the record in its detail, so "who has seen this person's records" lists it only
 * to those who may know a concern exists (practice 4.1), never to the guardian.
 */
export interface Work {
  resourceType: 'concern' | 'disclosure';
  resourceId: string | null;
}

/** Where a refusal on `type`/`id` is audited: the record itself, or the work it was looked up for, naming the record. */
function auditedOn(type: RecordType, id: string, within: Work | undefined, detail: Record<string, unknown> | undefined) {
  if (!within) return { resourceType: type, resourceId: id, detail };
  return { resourceType: within.resourceType, resourceId: within.resourceId, detail: { ...detail, record: { type, id } } };
}

/** A record the actor may change, with the decision that allowed the change (its rule and clause go in the audit). */
export interface Writable extends Visible {
  decision: Decision;
}

/**
 * Finds a record the actor may see (its general fields), without presenting or auditing any confidential field.
 * Missing and forbidden both answer the same 404 after the same lookup and one audit write, so neither the answer
 * nor its timing tells them apart (3.4). The refusal is audited as the action that was `attempted` on the record (a
 * write, or work on something inside it — a policy action, or the audit's name for one kind of change, such as
 * `breach.close`), with the rule that hides the record; default: reading it.
 */
export async function findVisible(ctx: Ctx, type: RecordType, id: string, attempted: Action | `${RecordType}.${string}` = readActionOf(type), within?: Work): Promise<Visible> {
  const action = readActionOf(type);
  const row = await loadWithFacts(ctx, type, id);
  const hidden = attempted === action ? {} : { visible: false };
  if (!row) {
    const on = auditedOn(type, id, within, { found: false });
    throw notFoundAudited(ctx, recordOf(type).noun, { action: attempted, ...on, detail: on.detail! });
  }
  const facts = factsFor(ctx.actor, type, row);
  const d = decide(ctx.actor, action, { ...facts, classification: 'general' });
  const subjectPersonId = row._subject;
  if (!d.allowed) {
    ctx.audit.add(fromDecision(attempted, d, { ...auditedOn(type, id, within, hidden), subjectPersonId }));
    throw notFound(recordOf(type).noun);
  }
  return { row, facts, subjectPersonId, ...(within ? { within } : {}) };
}

/**
 * Requires `action` on a visible record (403 with the policy's explanation otherwise; the denial is audited).
 * Returns the allowing decision.
 */
export function requireAllowed(ctx: Ctx, action: Action, v: Visible, classification: Classification = 'general', detail?: Record<string, unknown>) {
  return enforce(ctx, action, decide(ctx.actor, action, { ...v.facts, classification }), refusalTarget(v, detail));
}

/** A visible record as the target of a refused action's audit entry (the work it was looked up for, if any). */
export const refusalTarget = (v: Visible, detail?: Record<string, unknown>) => ({
  ...auditedOn(v.facts.type as RecordType, v.row.id, v.within, detail), subjectPersonId: v.subjectPersonId,
});

/**
 * A versioned record as an API response: the fields the actor may see, the restricted ones, its version, and what
 * the actor may do with it (decided by the policy, so the web app offers only what the API will accept).
 */
export interface RecordView {
  data: Presented['data'];
  restricted: Presented['restricted'];
  version: number;
  can?: Can;
}

/**
 * Presents a loaded row field by field and audits the opening, naming the confidential (non-general) fields and
 * classifications shown — none when only general fields were — never their values.
 */
function presentOpened(ctx: Ctx, type: RecordType, row: FactRow, subjectPersonId: string | null, facts?: Resource): Opened {
  const action = readActionOf(type);
  const p = present(ctx.actor, action, type, row, { facts });
  const confidential = p.shownClasses.filter((c) => c !== 'general');
  const fields = confidential.length ? Object.keys(p.data).filter((api) => classificationOf(FIELD_BY_API[type].get(api)!, row) !== 'general') : [];
  // 1.1: the entry names the rule that opened the record; a confidential class opened by another rule names it too.
  const rulesByClass = Object.keys(p.otherRules).length ? { rulesByClass: p.otherRules } : {};
  // 2.1: a read of a case, or of what is filed under one, names the purpose the case is held for (its id only).
  const purpose = recordOf(type).heldFor ? { purposeId: row._purpose ?? null } : {};
  ctx.audit.add(fromDecision(action, p.decision, { resourceType: type, resourceId: row.id, subjectPersonId, detail: { fields, classes: confidential.sort(), ...rulesByClass, ...purpose } }));
  return { row, presented: p, subjectPersonId, facts };
}

/** A record presented and its opening audited, with the decision facts when they were read already. */
interface Opened {
  row: FactRow;
  presented: Presented;
  subjectPersonId: string | null;
  facts?: Resource;
}

/** The response shape of a presented record, with the version its ETag is made from and its capabilities. */
function viewOf(ctx: Ctx, type: RecordType, { row, presented, subjectPersonId, facts }: Opened): RecordView {
  return {
    data: presented.data,
    restricted: presented.restricted,
    version: Number(row.version),
    ...(recordOf(type).editable ? { can: capabilities(ctx, type, row, subjectPersonId, facts) } : {}),
  };
}

/** Reads one record as the actor may see it: {@link findVisible}, then field-by-field presentation; every opening is audited. */
export async function readRecord(ctx: Ctx, type: RecordType, id: string): Promise<Opened> {
  const { row, subjectPersonId, facts } = await findVisible(ctx, type, id);
  return presentOpened(ctx, type, row, subjectPersonId, facts);
}

/** {@link readRecord} as the API answers it. */
export async function openRecord(ctx: Ctx, type: RecordType, id: string): Promise<RecordView> {
  return viewOf(ctx, type, await readRecord(ctx, type, id));
}

/**
 * Finds a record for a change: visible (the same 404 as a missing one otherwise, audited as the change that was
 * attempted) and every field named in `input` writable by the actor (one 403 listing the fields otherwise). One
 * lookup, one decision per classification.
 */
export async function findWritable(ctx: Ctx, action: Action, type: RecordType, id: string, input: Record<string, unknown> = {}): Promise<Writable> {
  const v = await findVisible(ctx, type, id, action);
  const decision = checkWrite(ctx, action, type, input, v.row, v.subjectPersonId);
  return { ...v, decision };
}

/**
 * The record as the actor sees it after a change, presented from what was written — the loaded row with the
 * written columns over it (nothing written: the row as loaded) — instead of looking it up again; audited as an
 * opening, like a read.
 */
export function presentWritten(ctx: Ctx, type: RecordType, v: Visible, written: Record<string, unknown>): RecordView {
  const row = (Object.keys(written).length ? { ...v.row, ...written, updated_at: ctx.nowIso } : v.row) as FactRow;
  return viewOf(ctx, type, presentOpened(ctx, type, row, v.subjectPersonId));
}

/**
 * Checks a write field by field (no mass assignment): every field named in `input` must be writable by the actor
 * on this record. Denied fields are listed in one 403; the denial is audited. Returns the decision that allowed the
 * write (the general one; a field's when only the fields are allowed), whose rule and clause the change's audit cites.
 */
export function checkWrite(
  ctx: Ctx,
  action: Action,
  type: RecordType,
  input: Record<string, unknown>,
  row?: Record<string, unknown>,
  subjectPersonId?: string | null,
): Decision {
  const { denied, first, allowedBy } = deniedWrite(ctx, action, type, input, row);
  if (first) {
    ctx.audit.add(fromDecision(action, first, { resourceType: type, resourceId: (row?.id as string) ?? null, subjectPersonId, detail: { fields: denied.map((e) => e.path.slice(5)) } }));
    throw refused(denied.length > 1 ? 'You may not change some of these fields.' : first.reason, { errors: denied, rule: first.ruleId, clause: first.clause });
  }
  return allowedBy;
}

/** {@link checkWrite}'s answer alone, nothing audited: for offering only what the write will accept. */
export function mayWrite(ctx: Ctx, action: Action, type: RecordType, input: Record<string, unknown>, row?: Record<string, unknown>): boolean {
  return !deniedWrite(ctx, action, type, input, row).first;
}

/**
 * The fields of `input` the actor may not write, the first decision that refused (or the general one, for no
 * fields), and the decision that allows the write when none refused (the general one if it allows, else a field's).
 */
function deniedWrite(ctx: Ctx, action: Action, type: RecordType, input: Record<string, unknown>, row?: Record<string, unknown>) {
  const facts = row ? factsFor(ctx.actor, type, row) : { type };
  const denied: FieldError[] = [];
  let first: Decision | undefined;
  let fieldAllow: Decision | undefined;
  for (const [api, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const spec = FIELD_BY_API[type].get(api);
    if (!spec) continue; // non-field inputs (e.g. openCase) are checked by their own command
    const d = decide(ctx.actor, action, { ...facts, classification: classificationOf(spec, { ...row, ...input }) });
    if (!d.allowed) {
      // A field classified as the record is (a note's text, a file's name) is refused for the classification the
      // input asks for: that is the field at fault, named once.
      const path = typeof spec.classification === 'function' && 'classification' in input ? 'body.classification' : `body.${api}`;
      if (!denied.some((e) => e.path === path)) denied.push({ path, message: d.reason });
      first ??= d;
    } else fieldAllow ??= d;
  }
  const general = decide(ctx.actor, action, { ...facts, classification: 'general' });
  if (!first && !general.allowed && Object.keys(input).length === 0) first = general;
  const allowedBy = general.allowed ? general : (fieldAllow ?? general);
  return { denied, first, allowedBy };
}

/**
 * Presents a row for a list: general fields only, so lists never need a confidential-read audit entry (the list
 * itself is audited once, see records/list-audit.ts).
 */
export function presentSummary(ctx: Ctx, type: RecordType, row: Record<string, unknown>): Presented['data'] {
  return present(ctx.actor, readActionOf(type), type, row, { onlyGeneral: true }).data;
}
