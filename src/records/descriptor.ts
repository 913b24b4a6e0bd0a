import type { Classification } from '../policy/types';

/** One field of a record type: its API name, its column, and its classification (fixed or taken from the row). */
export interface FieldSpec {
  api: string;
  column: string;
  classification: Classification | ((row: Record<string, unknown>) => Classification);
}

/** Builds a field spec. */
export const field = (api: string, column: string, classification: FieldSpec['classification']): FieldSpec => ({ api, column, classification });

/** The bookkeeping fields every versioned record has. */
export const VERSIONED_META: readonly FieldSpec[] = [
  field('createdAt', 'created_at', 'general'),
  field('updatedAt', 'updated_at', 'general'),
  field('version', 'version', 'general'),
];

/**
 * Where need to know attaches teams and grants (3.4): every record is reached through one of these compartments.
 * A person's record and everything filed under their cases is reached through the person or the case; an
 * organisation's through the organisation. `notOnTeam` is what a denial says when being on its team would open it.
 */
export const COMPARTMENTS = {
  person: { table: 'people', team: { table: 'case_team', column: 'person_id' }, grantKey: 'personId', notOnTeam: "You are not on this client's case team — request access." },
  case: { table: 'cases', team: { table: 'case_team', column: 'case_id' }, grantKey: 'caseId', notOnTeam: "You are not on this client's case team — request access." },
  organisation: { table: 'organisations', team: { table: 'organisation_team', column: 'organisation_id' }, grantKey: 'organisationId', notOnTeam: 'You do not deal with this organisation — request access.' },
} as const;

/** A compartment's name: what a team or an access grant is attached to. */
export type Compartment = keyof typeof COMPARTMENTS;

/**
 * Everything Confide needs to know about one record type, said once. The policy, the guard, explanations, list
 * filters, subject access export and erasure loop over these descriptors; nothing else switches on a type's name.
 */
export interface RecordDescriptor {
  /** The type's name, as in actions ("person.read") and audit entries. */
  readonly type: string;
  /** The word used in messages ("No person with that id …"). */
  readonly noun: string;
  /** The table holding its rows (every table has an `id` primary key). */
  readonly table: string;
  /** Every field the API may send, with its classification (3.4: access down to the information item). */
  readonly fields: readonly FieldSpec[];
  /** Verbs that can be done to it; each is the action `<type>.<verb>` that rules name. */
  readonly actions: readonly string[];
  /**
   * Whose record this is — the compartment of the person it is about (Medplum's "compartment"): an SQL expression
   * over the unaliased table giving the subject person's id, or null when it is about no person.
   */
  readonly subjectPerson: string | null;
  /**
   * How need to know reaches it: the compartment and the column of this table holding its key. Null for a record no
   * team or access grant reaches (a breach report: who sees it is decided by role and by who reported it).
   */
  readonly access: { readonly compartment: Compartment; readonly column: string } | null;
  /** The column naming the user a row belongs to (a note's author), for the `self` relation; null if none. */
  readonly owner: string | null;
  /**
   * Whose own conduct a record is about (clause 5: a breach opened from someone's break-glass use or from a review
   * flag naming them): SQL expressions over the unaliased table, each giving a user's id or null. Loaded with the row
   * for single reads and written into list filters by the `own-conduct` relation (src/policy/relations.ts).
   */
  readonly conduct?: readonly string[];
  /**
   * The purpose the record is held for (2.1): an SQL expression over the unaliased table giving the id of the purpose
   * its case is held for (a case's own, a note's or file's case's). Loaded with the row for single reads
   * (src/records/guard.ts): a read names it in its audit entry, and a write that adds to the case is decided by it
   * (src/purposes/held-for.ts).
   */
  readonly heldFor?: string;
  /** The fields (API names) its update accepts, so a read can say which of them the actor may change. */
  readonly editable?: readonly string[];
  /** Emergency (break-glass) access can be opened on a record of this type (practice 4.2). */
  readonly breakGlass?: boolean;
  /** What can be done under a record of this type, offered to the web app as capabilities (src/records/can.ts). */
  readonly offers?: readonly Offer[];
}

/**
 * One thing a record offers beyond its own verbs, decided by `action` exactly as the action itself will be:
 * - `on: 'record'`: on this record (managing a case's team);
 * - `on: 'child'`: a record of that type not yet written under this one — its facts are this record's team and the
 *   actor as its owner (adding a note to a case);
 * - `on: 'new'`: a new record with no facts yet (opening a case for a person).
 * `whileOpen` offers it only while the record is not archived; `classification` is the class of information the
 * action needs (default general: e.g. a consent receipt shows what the person was told, which is personal).
 */
export interface Offer {
  readonly can: string;
  readonly action: string;
  readonly on: 'record' | 'new' | { readonly child: string };
  readonly whileOpen?: boolean;
  readonly classification?: 'general' | 'personal';
}

/** Declares a record type (keeps its literal types, checks its shape). */
export const defineRecord = <const D extends RecordDescriptor>(d: D): D => d;
