import type { Ctx } from '../context';
import { DomainError, invalidInput, type FieldError } from '../lib/errors';
import type { Action } from '../policy/actions';
import { classMask, classesOf, type Classification } from '../policy/types';
import { findVisible, requireAllowed, type Visible } from '../records/guard';
import { FIELD_BY_API, classificationOf } from '../records/registry';
import type { ItemsInput } from './schema';

/** The items of a disclosure as stored: ids and field names only, never their content. */
export interface StoredItems {
  personFields: string[];
  notes: string[];
  attachments: string[];
  /** A safeguarding referral's own concern: its account (what happened, when, who was involved, what was done). */
  concern?: boolean;
}

/** The chosen items, checked: what they are, the categories they carry, and whether session details are among them. */
export interface ResolvedItems {
  items: StoredItems;
  count: number;
  categories: Classification[];
  mask: number;
  sessionItems: boolean;
  /** Each chosen item by its input path ("body.items.notes.0") with the categories it carries, to name an item at fault. */
  byItem?: { path: string; classes: Classification[] }[];
}

/** The fields of a note a pack carries: what it was, when, its title (general) and its body (session). */
export const NOTE_PACK_FIELDS = ['kind', 'channel', 'occurredAt', 'title', 'body'] as const;

/**
 * Requires the requester to read one chosen item as a read would decide it (need to know, 3.4). A refusal is the
 * read's own 403 — its rule, clause and reason, audited — naming the item(s) at fault by their input paths
 * ("body.items.notes.0"), so a form can point at the item rather than at the whole request.
 */
function requireItemRead(ctx: Ctx, action: Action, v: Visible, c: Classification, detail: Record<string, unknown>, paths: readonly string[]) {
  try {
    return requireAllowed(ctx, action, v, c, detail);
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind !== 'forbidden' || error.errors?.length) throw error;
    throw new DomainError('forbidden', error.detail, { rule: error.rule, clause: error.clause, errors: paths.map((path) => ({ path, message: error.detail })) });
  }
}

/**
 * Checks the exact items chosen for a disclosure of `person`'s information (Caldicott 3, minimum necessary):
 * - an empty selection, an unknown person field, a note or attachment that is not on one of this person's cases (or
 *   does not exist) is a 400 naming the item;
 * - the requester must themselves be allowed to read every item, as a read would decide it: a note or attachment
 *   they may not see is the same 404 as a read; a field, or a part of a note or document, they may not read is a 403
 *   with the rule that refused it, naming the item(s) at fault in its errors (both audited).
 * Answers the stored selection and the data categories it carries (for the basis and the hard rules).
 */
export async function resolveItems(ctx: Ctx, person: Visible, input: ItemsInput, path = 'body.items'): Promise<ResolvedItems> {
  const personId = person.row.id;
  const count = input.personFields.length + input.notes.length + input.attachments.length;
  if (count === 0) throw invalidInput('Choose each item to disclose: nothing is selected.', [{ path, message: 'choose at least one person field, note or attachment' }]);
  const errors: FieldError[] = [];
  const classes = new Set<Classification>(['general']);

  const fields = FIELD_BY_API.person;
  const personClasses: Classification[] = [];
  const byItem: NonNullable<ResolvedItems['byItem']> = [];
  input.personFields.forEach((api, i) => {
    const spec = fields.get(api);
    if (!spec) errors.push({ path: `${path}.personFields.${i}`, message: 'no such field of a person' });
    else {
      const c = classificationOf(spec, person.row);
      personClasses.push(c);
      byItem.push({ path: `${path}.personFields.${i}`, classes: [c] });
    }
  });

  const notes = input.notes.length
    ? await ctx.db.selectFrom('notes').innerJoin('cases', 'cases.id', 'notes.case_id').select('notes.id')
      .where('notes.id', 'in', input.notes).where('cases.person_id', '=', personId).where('notes.archived_at', 'is', null).execute()
    : [];
  const noteIds = new Set(notes.map((n) => n.id));
  input.notes.forEach((id, i) => { if (!noteIds.has(id)) errors.push({ path: `${path}.notes.${i}`, message: "no such note on this person's cases" }); });

  const atts = input.attachments.length
    ? await ctx.db.selectFrom('attachments').innerJoin('cases', 'cases.id', 'attachments.case_id').select(['attachments.id', 'attachments.classification'])
      .where('attachments.id', 'in', input.attachments).where('cases.person_id', '=', personId).where('attachments.archived_at', 'is', null).execute()
    : [];
  const attIds = new Set(atts.map((a) => a.id));
  input.attachments.forEach((id, i) => { if (!attIds.has(id)) errors.push({ path: `${path}.attachments.${i}`, message: "no such attachment on this person's cases" }); });
  if (errors.length) throw invalidInput("Every item must be one of this person's.", errors);

  // Need to know: the requester reads every item as a read would (3.4).
  for (const c of new Set(personClasses)) {
    const paths = input.personFields.flatMap((_, i) => (personClasses[i] === c ? [`${path}.personFields.${i}`] : []));
    requireItemRead(ctx, 'person.read', person, c, { disclosureItem: 'personFields' }, paths);
    classes.add(c);
  }
  for (const [i, id] of input.notes.entries()) {
    const note = await findVisible(ctx, 'note', id, 'disclosure.request', person.within);
    const noteClasses = new Set<Classification>();
    for (const api of NOTE_PACK_FIELDS) {
      const c = classificationOf(FIELD_BY_API.note.get(api)!, note.row);
      requireItemRead(ctx, 'note.read', note, c, { disclosureItem: 'notes' }, [`${path}.notes.${i}`]);
      classes.add(c);
      noteClasses.add(c);
    }
    byItem.push({ path: `${path}.notes.${i}`, classes: [...noteClasses] });
  }
  for (const a of atts) {
    const att = await findVisible(ctx, 'attachment', a.id, 'disclosure.request', person.within);
    const c = a.classification as Classification;
    requireItemRead(ctx, 'attachment.read', att, c, { disclosureItem: 'attachments' }, [`${path}.attachments.${input.attachments.indexOf(a.id)}`]);
    classes.add(c);
    byItem.push({ path: `${path}.attachments.${input.attachments.indexOf(a.id)}`, classes: [c] });
  }
  const categories = classesOf(classMask([...classes]));
  return {
    items: { personFields: [...input.personFields], notes: [...input.notes], attachments: [...input.attachments] },
    count, categories, mask: classMask(categories), sessionItems: classes.has('session'), byItem,
  };
}
