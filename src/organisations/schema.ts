import { z } from 'zod';
import { pageQuery } from '../records/paging';

/** Kinds of organisation Confide holds business information about (2.3). */
/**
 * What an organisation is. The statutory agencies a safeguarding referral goes to (practice 4.3) are kinds of their
 * own, so a referral "to the police" can only name a police force (src/safeguarding/referral-disclosure.ts).
 */
export const ORGANISATION_KINDS = ['partner_agency', 'local_authority', 'police', 'funder', 'business', 'other'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => text(max).nullable().optional();

/** Editable fields of an organisation, by API name. Classifications live in its descriptor (record.ts). */
export const organisationFields = {
  kind: z.enum(ORGANISATION_KINDS),
  name: text(200),
  website: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  contactName: optionalText(200),
  contactEmail: z.email().max(254).nullable().optional(),
  contactPhone: z.string().trim().regex(/^[+0-9 ()-]{5,30}$/, 'a phone number: digits, spaces, + ( ) -').nullable().optional(),
  address: optionalText(500),
  commercialNotes: optionalText(20_000),
};

/** POST /api/organisations. The creator joins the organisation's team (they deal with it, 1.4). */
export const createOrganisationBody = z.strictObject(organisationFields);
export type CreateOrganisationInput = z.infer<typeof createOrganisationBody>;

/** PATCH /api/organisations/:id: any subset of the fields, at least one. */
export const updateOrganisationBody = z
  .strictObject(
    Object.fromEntries(Object.entries(organisationFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof organisationFields]: z.ZodOptional<(typeof organisationFields)[K]>;
    },
  )
  .refine((v) => Object.keys(v).length > 0, 'send at least one field to change');
export type UpdateOrganisationInput = z.infer<typeof updateOrganisationBody>;

/** GET /api/organisations: name-ordered, with a name prefix search. */
export const listOrganisationsQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().min(1).max(100).optional(),
  kind: z.enum(ORGANISATION_KINDS).optional(),
  includeArchived: z.enum(['true', 'false']).default('false'),
});
export type ListOrganisationsQuery = z.infer<typeof listOrganisationsQuery>;

/** POST /api/organisations/:id/team: someone who deals with the organisation (sees its business information). */
export const addOrganisationTeamBody = z.strictObject({ userId: z.uuid() });
export type AddOrganisationTeamInput = z.infer<typeof addOrganisationTeamBody>;

/** Path parameter of an organisation id. */
export const idParams = z.strictObject({ id: z.uuid() });
/** Path parameters of one team member. */
export const teamMemberParams = z.strictObject({ id: z.uuid(), userId: z.uuid() });
