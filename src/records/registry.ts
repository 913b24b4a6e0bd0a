import { ATTACHMENT_RECORD } from '../attachments/record';
import { BREACH_RECORD } from '../breaches/record';
import { CASE_RECORD } from '../cases/record';
import { CONSENT_RECORD } from '../consent/record';
import { DISCLOSURE_RECORD } from '../disclosure/record';
import { NOTE_RECORD } from '../notes/record';
import { ORGANISATION_RECORD } from '../organisations/record';
import { PERSON_RECORD } from '../people/record';
import { CONCERN_RECORD } from '../safeguarding/record';
import type { Classification } from '../policy/types';
import { COMPARTMENTS, type FieldSpec, type RecordDescriptor } from './descriptor';

/**
 * Every record type, each described once (src/<area>/record.ts). Adding a record type means adding its descriptor
 * here and its rules in src/policy/rules/; the policy, the guard, explanations and list filters follow.
 */
export const RECORDS = [PERSON_RECORD, ORGANISATION_RECORD, CASE_RECORD, NOTE_RECORD, ATTACHMENT_RECORD, CONCERN_RECORD, CONSENT_RECORD, BREACH_RECORD, DISCLOSURE_RECORD] as const;

type AnyRecord = (typeof RECORDS)[number];

/** A record type's name. */
export type RecordType = AnyRecord['type'];

/** Every action on a record type: `<type>.<verb>` for each verb its descriptor lists. */
export type RecordAction = AnyRecord extends infer D
  ? D extends { type: infer T extends string; actions: readonly (infer V extends string)[] }
    ? `${T}.${V}`
    : never
  : never;

/** Record type names, in registry order. */
export const RECORD_TYPES = RECORDS.map((d) => d.type) as readonly RecordType[];

/** Every record action, type by type in registry order. */
export const RECORD_ACTIONS = RECORDS.flatMap((d) => d.actions.map((v) => `${d.type}.${v}`)) as readonly RecordAction[];

/** The action that reads a record type (lists are filtered by it too). */
export const readActionOf = (type: RecordType) => `${type}.read` as RecordAction;

/** The read action of every record type: what "a read" means to forbid rules and the list filter. */
export const READ_ACTIONS: readonly RecordAction[] = RECORD_TYPES.map(readActionOf);

const BY_TYPE = new Map<string, RecordDescriptor>(RECORDS.map((d) => [d.type, d]));

/** The descriptor of a record type. */
export function recordOf(type: RecordType): RecordDescriptor {
  return BY_TYPE.get(type)!;
}

/** True when the string names a record type. */
export const isRecordType = (s: string): s is RecordType => BY_TYPE.has(s);

/** The fields of every record type (a field missing here is never sent to a client). */
export const FIELDS: Readonly<Record<RecordType, readonly FieldSpec[]>> = Object.fromEntries(RECORDS.map((d) => [d.type, d.fields])) as never;

/** Index of a record type's fields by API name. */
export const FIELD_BY_API: Readonly<Record<RecordType, ReadonlyMap<string, FieldSpec>>> = Object.fromEntries(
  RECORDS.map((d) => [d.type, new Map(d.fields.map((s) => [s.api, s]))]),
) as never;

/** The classification of one field on one row. */
export const classificationOf = (spec: FieldSpec, row: Record<string, unknown>): Classification =>
  typeof spec.classification === 'function' ? spec.classification(row) : spec.classification;

/**
 * The column of a row holding the key its team and grants attach to (person, case or organisation id); null for a
 * record type no team or grant reaches.
 */
export function compartmentKey(type: RecordType, row: Record<string, unknown>): string | null {
  const access = recordOf(type).access;
  return access ? String(row[access.column]) : null;
}

/** The grant property ('personId', 'caseId', 'organisationId') a record type's grants are found by; null when none reach it. */
export const grantKeyOf = (type: RecordType) => {
  const access = recordOf(type).access;
  return access ? COMPARTMENTS[access.compartment].grantKey : null;
};

/** The user a row belongs to, if its type has an owner. */
export function ownerOf(type: RecordType, row: Record<string, unknown>): string | null {
  const owner = recordOf(type).owner;
  return owner ? (row[owner] as string) : null;
}
