import type { Ctx } from '../context';
import type { DisclosureRow } from '../db/schema';
import { releasePackPdf, type PackDocument, type PackSection, type ReleasePackModel } from '../documents/release-pack-pdf';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import { RULES } from '../policy/rules';
import type { Classification, Decision } from '../policy/types';
import { loadWithFacts } from '../records/guard';
import { FIELD_BY_API, classificationOf, type RecordType } from '../records/registry';
import { NOTE_PACK_FIELDS, type StoredItems } from './items';
import { CONCERN_PACK_FIELDS, PERSON_LABELS } from './pack';

/**
 * Rules that give `disclosure.pack` to every holder of a role, without naming classifications, give the pack whole, as
 * it went out: management (disclosure/management-releases, relation 'any'), whose oversight of every disclosure is the
 * check. A rule tied to the person's case team opens the pack, and each item in it is then decided where it lives
 * ({@link readPackItems}): a safeguarding lead on the team reading a referral's pack
 * (safeguarding/referral-pack-need-to-know, 'general' only), and the case team reading an ordinary disclosure's
 * (disclosure/case-team-requests) — the team asks for and releases it, but a manager on the team may have shared what
 * the record shows the rest of the team not at all (a person's safeguarding notes, a safeguarding document: 3.4, 4.2).
 */
const WHOLE_PACK_RULES: ReadonlySet<string> = new Set(
  RULES.filter((r) => r.effect === 'allow' && r.actions.includes('disclosure.pack') && r.classifications === undefined && r.relation === 'any').map((r) => r.id),
);

/** One item a pack carries — a person field, a note, a document, the concern's account — and whether this reader sees it. */
export interface PackItemVerdict {
  /** `personFields.<field>`, `notes.<id>`, `attachments.<id>` or `concern`: names and ids, never a value. */
  item: string;
  /** What the item is called in the pack ("Safeguarding notes", "Note 2", "Document 1", "The safeguarding concern"). */
  label: string;
  /** The classifications the item carries where it lives. */
  classes: Classification[];
  shown: boolean;
  /** The rule and clause that decided, and its reason: for a withheld item, what the reader is told. */
  ruleId: string;
  clause: string;
  reason: string;
}

/** How one reader reads one released pack: whole (as it went out) or their own copy, and each item's verdict. */
export interface PackReading {
  /** The pack as it went out (the stored bytes, whose SHA-256 the register holds), or the reader's copy with items withheld. */
  copy: 'as-released' | 'reader';
  /** The reader released it: checked then to read every item, they read it as it went out. */
  releasedByReader: boolean;
  items: PackItemVerdict[];
}

/** A refusal for an item whose record is gone: deny by default (3.4), nothing to decide on. */
function gone(ctx: Pick<Ctx, 'actor'>, what: string): Decision {
  return {
    allowed: false, ruleId: 'default/deny', clauseKey: 'need-to-know', clause: ctx.actor.policy.clauseFor('need-to-know'),
    reason: `The ${what} is no longer on the record, so it is not read here.`, via: null, obligations: [], actorLevel: false,
  };
}

/**
 * The read of one item where it lives, as the record's own read decides it (src/records/guard.ts findVisible, then
 * src/policy/present.ts): the record visible to the actor (its general fields), then every classification the item
 * carries. The first refusal, or the decision that allowed the last classification.
 */
function readWhereItLives(ctx: Pick<Ctx, 'actor'>, type: RecordType, row: Record<string, unknown>, classes: readonly Classification[]): Decision {
  const facts = factsFor(ctx.actor, type, row);
  const action = `${type}.read` as Action;
  let d = decide(ctx.actor, action, { ...facts, classification: 'general' });
  for (const c of classes) {
    if (!d.allowed) break;
    if (c !== 'general') d = decide(ctx.actor, action, { ...facts, classification: c });
  }
  return d;
}

const uniq = (cs: Classification[]) => [...new Set(cs)];

/** The items a disclosure carries as stored, each list empty when absent (a row written before an item kind existed). */
function storedItems(row: Pick<DisclosureRow, 'items'>): StoredItems {
  const s = JSON.parse(row.items) as Partial<StoredItems>;
  return { personFields: s.personFields ?? [], notes: s.notes ?? [], attachments: s.attachments ?? [], concern: s.concern === true };
}

/**
 * Decides, item by item, what one reader of a released pack sees (3.4: "only … the information items that they
 * need to see"; 4.2). `gate` is the decision that let them open the pack (`disclosure.pack`, allowed). Whoever a
 * whole-pack rule allows ({@link WHOLE_PACK_RULES}), and the user who released it, read it as it went out; anyone
 * else reads each item only as its own record would show it to them — a person field at its classification
 * (person.read), a note at every classification of what the pack carries of it (note.read), a document at its own
 * (attachment.read), and a referral's concern by the concern's own handling rules (concern.read). Deny by default:
 * an item whose record is gone is withheld.
 */
export async function readPackItems(ctx: Ctx, row: DisclosureRow, gate: Decision): Promise<PackReading> {
  const items = storedItems(row);
  const releasedByReader = row.released_by === ctx.actor.id;
  const whole = WHOLE_PACK_RULES.has(gate.ruleId) || releasedByReader;
  const out: PackItemVerdict[] = [];
  const verdict = (item: string, label: string, classes: Classification[], d: Decision) => {
    out.push({ item, label, classes, shown: d.allowed, ruleId: d.ruleId, clause: d.clause, reason: d.reason });
  };
  const decided = (type: RecordType, loaded: Record<string, unknown> | undefined, classes: Classification[], what: string) =>
    (whole ? gate : loaded ? readWhereItLives(ctx, type, loaded, classes) : gone(ctx, what));

  if (items.personFields.length) {
    const person = await loadWithFacts(ctx, 'person', row.person_id);
    for (const api of items.personFields) {
      const spec = FIELD_BY_API.person.get(api);
      const classes: Classification[] = spec ? [classificationOf(spec, person ?? {})] : [];
      verdict(`personFields.${api}`, PERSON_LABELS[api] ?? api, classes, decided('person', spec ? person : undefined, classes, spec ? 'person' : 'field'));
    }
  }
  for (const [i, id] of items.notes.entries()) {
    const note = await loadWithFacts(ctx, 'note', id);
    const classes = uniq(NOTE_PACK_FIELDS.map((api) => classificationOf(FIELD_BY_API.note.get(api)!, note ?? {})));
    verdict(`notes.${id}`, `Note ${i + 1}`, classes, decided('note', note, classes, 'note'));
  }
  if (items.concern && row.concern_id) {
    const concern = await loadWithFacts(ctx, 'concern', row.concern_id);
    const classes = uniq(CONCERN_PACK_FIELDS.map((api) => classificationOf(FIELD_BY_API.concern.get(api)!, concern ?? {})));
    verdict('concern', 'The safeguarding concern', classes, decided('concern', concern, classes, 'concern'));
  }
  for (const [i, id] of items.attachments.entries()) {
    const att = await loadWithFacts(ctx, 'attachment', id);
    const classes: Classification[] = att ? [att.classification as Classification] : [];
    verdict(`attachments.${id}`, `Document ${i + 1}`, classes, decided('attachment', att, classes, 'document'));
  }
  return { copy: out.every((v) => v.shown) ? 'as-released' : 'reader', releasedByReader: releasedByReader && !WHOLE_PACK_RULES.has(gate.ruleId), items: out };
}

/** What the audit entry of a pack read says: each item and its classes, shown or withheld, with the rule and clause that decided (never a value). */
export function packReadDetail(reading: PackReading, format: 'pdf' | 'json') {
  const entry = (v: PackItemVerdict) => ({ item: v.item, classes: v.classes, rule: v.ruleId, clause: v.clause });
  const shown = reading.items.filter((v) => v.shown);
  const withheld = reading.items.filter((v) => !v.shown);
  return {
    format, copy: reading.copy, ...(reading.releasedByReader ? { releasedByReader: true } : {}),
    shown: shown.map(entry), withheld: withheld.map(entry),
    classes: { shown: uniq(shown.flatMap((v) => v.classes)).sort(), withheld: uniq(withheld.flatMap((v) => v.classes)).sort() },
  };
}

/** The withheld items as the disclosure's view lists them for the web page: what, why — never a value. */
export const withheldOf = (reading: PackReading) =>
  reading.items.filter((v) => !v.shown).map((v) => ({ item: v.item, label: v.label, classes: v.classes, reason: v.reason }));

/** What a reader's copy says of itself, in the PDF and the JSON alike. */
export const READERS_COPY_NOTICE = 'Your copy: the items you may not read where they are kept are withheld (need to know, 3.4), each with the reason. '
  + 'It is not the pack as it went out, so its SHA-256 will not match the register.';

/** The JSON of a stored pack, as releasePackJson wrote it. */
interface StoredPackJson {
  items: (PackSection & { withheld?: unknown })[];
  documents: (Omit<PackDocument, 'content'> & { contentBase64: string | null })[];
  [key: string]: unknown;
}

/**
 * The reader's copy of a released pack, built from the pack as it went out (its stored JSON), never from the record
 * now: each withheld item loses its value — a person field its value, a note or the concern its whole section, a
 * document its file, name and hash — and says why instead. What frames the items — the reference, the recipient, the
 * terms and whom it is about (the name a lead sees on the concern too, safeguarding/subject-name-for-leads) — is what
 * the reader's `disclosure.pack` rule opened, and stays. The items sit in the stored pack in the order
 * src/disclosure/pack.ts buildPackModel wrote them: the person's fields, each note, the concern, then each document.
 */
export async function readersCopy(row: DisclosureRow, storedJson: string, reading: PackReading, format: 'pdf' | 'json'): Promise<Buffer | string> {
  const items = storedItems(row);
  const doc = JSON.parse(storedJson) as StoredPackJson;
  const byItem = new Map(reading.items.map((v) => [v.item, v]));
  const withheldText = (v: PackItemVerdict) => `Withheld from your copy: ${v.reason}`;
  const sections = [...doc.items];
  // Deny by default: a stored pack whose sections are not the items it was made from is never partly shown.
  const expected = (items.personFields.length ? 1 : 0) + items.notes.length + (items.concern && row.concern_id ? 1 : 0);
  if (sections.length !== expected || doc.documents.length !== items.attachments.length) throw new Error(`The stored pack of disclosure ${row.id} does not match its items`);
  let at = 0;
  const jsonItems: unknown[] = [];
  const pdfSections: PackSection[] = [];
  if (items.personFields.length) {
    const s = sections[at++];
    const entries = s.entries.map((e, i) => ({ e, v: byItem.get(`personFields.${items.personFields[i]}`)! }));
    jsonItems.push({ title: s.title, entries: entries.map(({ e, v }) => (v.shown ? e : { label: e.label, withheld: { classes: v.classes, reason: v.reason } })) });
    pdfSections.push({ title: s.title, entries: entries.map(({ e, v }) => (v.shown ? e : { label: e.label, value: withheldText(v) })) });
  }
  const whole = (key: string) => {
    const s = sections[at++];
    const v = byItem.get(key)!;
    jsonItems.push(v.shown ? s : { title: v.label, withheld: { classes: v.classes, reason: v.reason }, entries: [] });
    pdfSections.push(v.shown ? s : { title: v.label, entries: [{ label: 'Withheld', value: withheldText(v) }] });
  };
  for (const id of items.notes) whole(`notes.${id}`);
  if (items.concern && row.concern_id) whole('concern');
  const documents = doc.documents.map((d, i) => ({ d, v: byItem.get(`attachments.${items.attachments[i]}`)! }));
  if (format === 'json') {
    const copy = {
      ...doc, copy: 'reader', notice: READERS_COPY_NOTICE, withheld: withheldOf(reading), items: jsonItems,
      documents: documents.map(({ d, v }) => (v.shown ? d : { label: d.label, withheld: { classes: v.classes, reason: v.reason } })),
    };
    return `${JSON.stringify(copy, null, 2)}\n`;
  }
  const m = doc as unknown as ReleasePackModel;
  const model: ReleasePackModel = {
    reference: m.reference, disclosureId: m.disclosureId, organisation: m.organisation, releasedAt: m.releasedAt, recipient: m.recipient, purpose: m.purpose,
    subject: m.subject, terms: m.terms, handling: m.handling, oral: m.oral, sections: pdfSections, readersCopy: READERS_COPY_NOTICE,
    documents: documents.map(({ d, v }): PackDocument => (v.shown
      ? { label: d.label, filename: d.filename, contentType: d.contentType, sizeBytes: d.sizeBytes, sha256: d.sha256, content: d.contentBase64 ? Buffer.from(d.contentBase64, 'base64') : null }
      : { label: d.label, filename: '', contentType: '', sizeBytes: 0, sha256: '', content: null, withheld: withheldText(v) })),
  };
  return releasePackPdf(model);
}
