import { z } from 'zod';
import { casePurposeId } from '../cases/schema';
import { firstContactFields } from '../notices/schema';
import { pageQuery } from '../records/paging';

/** Kinds of person Confide holds records about (the policy covers members of the public and staff alike, 4). */
export const PERSON_KINDS = ['service_user', 'member_of_public', 'staff', 'volunteer'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).nullable().optional();

/** Editable fields of a person, by API name. Classifications live in its descriptor (record.ts). */
export const personFields = {
  kind: z.enum(PERSON_KINDS),
  givenName: text(100),
  familyName: text(100),
  preferredName: optionalText(100),
  pronouns: optionalText(40),
  dateOfBirth: z.iso.date().nullable().optional(),
  email: z.email().max(254).nullable().optional(),
  phone: z.string().trim().regex(/^[+0-9 ()-]{5,30}$/, 'a phone number: digits, spaces, + ( ) -').nullable().optional(),
  address: optionalText(500),
  ethnicity: optionalText(100),
  healthNotes: optionalText(10_000),
  safeguardingNotes: optionalText(10_000),
};

/**
 * POST /api/people: registering a person is one step a worker can finish, in one transaction. `openCase` opens
 * their first case for a service, held for a purpose of the register in force (2.1), with the registering worker as
 * lead worker, so they keep need to know (3.4);
 * `firstContact` records that they were given the notice at this first contact (4.1). A registration that would
 * leave the person invisible to the worker (staff and volunteers see only the people of their case teams) is
 * refused with a 400 asking for `openCase`.
 */
export const createPersonBody = z.strictObject({
  ...personFields,
  openCase: z.strictObject({ service: text(200), purposeId: casePurposeId }).optional(),
  firstContact: z.strictObject(firstContactFields).optional(),
});
export type CreatePersonInput = z.infer<typeof createPersonBody>;

/** PATCH /api/people/:id: any subset of the fields, at least one. */
export const updatePersonBody = z
  .strictObject(Object.fromEntries(Object.entries(personFields).map(([k, v]) => [k, v.optional()])) as { [K in keyof typeof personFields]: z.ZodOptional<(typeof personFields)[K]> })
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdatePersonInput = z.infer<typeof updatePersonBody>;

/** GET /api/people. */
export const listPeopleQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().min(1).max(100).optional(),
  includeArchived: z.enum(['true', 'false']).default('false'),
});
export type ListPeopleQuery = z.infer<typeof listPeopleQuery>;

/** Path parameter of a record id. */
export const idParams = z.strictObject({ id: z.uuid() });
