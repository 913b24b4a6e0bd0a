import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { contentPath } from '../attachments/store';
import type { Ctx } from '../context';
import type { DisclosureRow, PersonRow, PurposeRow } from '../db/schema';
import { packTerms, type PackDocument, type PackSection, type ReleasePackModel, type TermsBasis } from '../documents/release-pack-pdf';
import { FIELD_BY_API } from '../records/registry';
import type { StoredItems } from './items';
import { scrubberFor } from './scrub';

/** Person fields that identify someone: withheld from a pseudonymised pack (the name becomes the pseudonym). */
export const IDENTIFYING_FIELDS = new Set(['id', 'givenName', 'familyName', 'preferredName', 'dateOfBirth', 'email', 'phone', 'address']);

/** What each person field is called in a pack (and in the reader's copy's list of what is withheld). */
export const PERSON_LABELS: Readonly<Record<string, string>> = {
  kind: 'Kind', givenName: 'Given name', familyName: 'Family name', preferredName: 'Preferred name', pronouns: 'Pronouns',
  dateOfBirth: 'Date of birth', email: 'E-mail', phone: 'Phone', address: 'Address', ethnicity: 'Ethnicity', healthNotes: 'Health notes',
  safeguardingNotes: 'Safeguarding notes', toldAt: 'Told of the confidentiality policy on', archivedAt: 'Archived', id: 'Identifier',
};

/**
 * The stable pseudonym of a person for one recipient organisation: an HMAC of the person's id under a random key
 * kept for that recipient (made on first use), so the same recipient always sees the same pseudonym for the same
 * person and two recipients cannot link theirs.
 */
export async function pseudonymFor(ctx: Ctx, organisationId: string, personId: string): Promise<string> {
  let key = await ctx.db.selectFrom('pseudonym_keys').select('secret').where('organisation_id', '=', organisationId).executeTakeFirst();
  if (!key) {
    await ctx.db.insertInto('pseudonym_keys').values({ organisation_id: organisationId, secret: randomBytes(32).toString('base64url'), created_at: ctx.nowIso })
      .onConflict((oc) => oc.column('organisation_id').doNothing()).execute();
    key = await ctx.db.selectFrom('pseudonym_keys').select('secret').where('organisation_id', '=', organisationId).executeTakeFirstOrThrow();
  }
  return `P-${createHmac('sha256', key.secret).update(personId).digest('hex').slice(0, 12).toUpperCase()}`;
}

/** The scrubber of a person's recorded identifiers in free text: names, contact details, date of birth, record and case ids. */
async function scrubberForPerson(ctx: Ctx, person: PersonRow, pseudonym: string) {
  const cases = await ctx.db.selectFrom('cases').select('id').where('person_id', '=', person.id).execute();
  const given = [person.given_name, person.preferred_name].filter((n): n is string => !!n);
  return scrubberFor({
    names: [...given.flatMap((g) => [`${g} ${person.family_name}`, g]), person.family_name].filter(Boolean),
    other: [person.email, person.address, person.id, ...cases.map((c) => c.id)].filter((v): v is string => !!v),
    phone: person.phone, dateOfBirth: person.date_of_birth,
  }, pseudonym);
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/**
 * Builds the release pack's content from the disclosure's chosen items and nothing else (Caldicott 3): the person
 * fields chosen, each chosen note (kind, channel, when, title, body) and each chosen document. In a pseudonymised
 * pack (3.3), names, date of birth, contact details and every identifier are replaced by the stable pseudonym or
 * withheld — in the identifying fields and in every free-text value (note titles and bodies, health notes …): see
 * src/disclosure/scrub.ts for what is caught and what is not. A safeguarding referral's pack is given `referral`, whether
 * the person was asked first as its answers record it, for its terms (src/documents/release-pack-pdf.ts packTerms).
 */
export async function buildPackModel(ctx: Ctx, row: DisclosureRow, purpose: PurposeRow, releasedAt: string, referral?: TermsBasis['referral']): Promise<ReleasePackModel> {
  const items = JSON.parse(row.items) as StoredItems;
  const pseudo = row.pseudonymise === 1;
  const person = await ctx.db.selectFrom('people').selectAll().where('id', '=', row.person_id).executeTakeFirstOrThrow();
  const org = await ctx.db.selectFrom('organisations').select('name').where('id', '=', row.recipient_org_id).executeTakeFirstOrThrow();
  const pseudonym = pseudo ? await pseudonymFor(ctx, row.recipient_org_id, row.person_id) : null;
  const name = [person.given_name, person.family_name].filter(Boolean).join(' ');
  const sections: PackSection[] = [];
  // 3.3: in a pseudonymised pack, free text loses the person's recorded identifiers too (src/disclosure/scrub.ts).
  const scrub = pseudo ? await scrubberForPerson(ctx, person, pseudonym!) : (text: string) => text;

  if (items.personFields.length) {
    const p = person as unknown as Record<string, unknown>;
    sections.push({
      title: 'About the person',
      entries: items.personFields.map((api) => {
        const spec = FIELD_BY_API.person.get(api)!;
        const value = pseudo && IDENTIFYING_FIELDS.has(api) ? (api === 'givenName' || api === 'familyName' || api === 'preferredName' ? pseudonym! : 'withheld (pseudonymised)') : scrub(str(p[spec.column]));
        return { label: PERSON_LABELS[api] ?? api, value };
      }),
    });
  }
  if (items.notes.length) {
    const notes = await ctx.db.selectFrom('notes').selectAll().where('id', 'in', items.notes).execute();
    const byId = new Map(notes.map((n) => [n.id, n]));
    items.notes.forEach((id, i) => {
      const n = byId.get(id)!;
      sections.push({
        title: `${n.kind === 'session' ? 'Session note' : 'Contact note'} ${i + 1}: ${scrub(n.title)}`,
        entries: [
          { label: 'Reference', value: pseudo ? `${pseudonym}-N${i + 1}` : n.id },
          { label: 'When', value: n.occurred_at },
          ...(n.channel ? [{ label: 'How', value: n.channel.replace(/_/g, ' ') }] : []),
          { label: 'Note', value: scrub(n.body) },
        ],
      });
    });
  }
  if (items.concern && row.concern_id) sections.push(await concernSection(ctx, row.concern_id));
  const documents: PackDocument[] = [];
  if (items.attachments.length) {
    const atts = await ctx.db.selectFrom('attachments').selectAll().where('id', 'in', items.attachments).execute();
    const byId = new Map(atts.map((a) => [a.id, a]));
    for (const [i, id] of items.attachments.entries()) {
      const a = byId.get(id)!;
      const content = await readFile(contentPath(ctx.services.config, a.sha256)).catch(() => null);
      documents.push({ label: `Document ${i + 1}`, filename: a.filename, contentType: a.content_type, sizeBytes: Number(a.size_bytes), sha256: a.sha256, content });
    }
  }
  const organisation = ctx.services.config.organisation.name;
  return {
    reference: row.reference, disclosureId: row.id, organisation, releasedAt,
    recipient: { organisation: org.name, name: row.recipient_name, role: row.recipient_role, email: row.recipient_email },
    purpose: purpose.name,
    subject: { label: pseudo ? pseudonym! : name, pseudonymised: pseudo },
    ...packTerms(organisation, purpose.name, { ...row, referral }),
    oral: row.mode === 'oral' ? { channel: str(row.oral_channel), occurredAt: str(row.occurred_at) } : null,
    sections, documents,
  };
}

/**
 * The concern's fields a referral's pack carries (src/safeguarding/record.ts), in {@link concernSection}: what a reader
 * of the pack is decided on by the concern's own read (src/disclosure/pack-read.ts).
 */
export const CONCERN_PACK_FIELDS = ['concernFor', 'occurredAt', 'whatHappened', 'peopleInvolved', 'immediateRisk', 'actionsTaken'] as const;

/** A safeguarding referral's concern as the pack carries it (practice 4.1, 4.3): the raiser's account, nothing of the handling. */
async function concernSection(ctx: Ctx, concernId: string): Promise<PackSection> {
  const c = await ctx.db.selectFrom('concerns').selectAll().where('id', '=', concernId).executeTakeFirstOrThrow();
  return {
    title: 'The safeguarding concern',
    entries: [
      { label: 'About', value: c.concern_for === 'child' ? 'A child' : 'A vulnerable adult' },
      { label: 'When it happened', value: c.occurred_at },
      { label: 'What was seen or heard', value: c.what_happened },
      ...(c.people_involved ? [{ label: 'People involved', value: c.people_involved }] : []),
      { label: 'Immediate risk', value: Number(c.immediate_risk) === 1 ? 'Yes' : 'No' },
      ...(c.actions_taken ? [{ label: 'Done already', value: c.actions_taken }] : []),
    ],
  };
}

/** SHA-256 of bytes, hex. */
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
