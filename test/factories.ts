import { expect } from 'vitest';
import type { InjectOptions } from 'fastify';
import { hashPassword } from '../src/accounts/passwords';
import { createSession } from '../src/accounts/sessions';
import { SESSION_COOKIE } from '../src/http/auth/cookies';
import { newId } from '../src/lib/ids';
import { classMask, type Classification, type Role } from '../src/policy/types';
import { sortKey } from '../src/records/paging';
import type { World } from './support/world';

/** The password every factory user has. */
export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

/** A signed-in test user with a live session. */
export interface TestUser {
  id: string;
  username: string;
  cookie: string;
  csrf: string;
}

let n = 0;
const unique = (prefix: string) => `${prefix}${++n}${Math.random().toString(36).slice(2, 6)}`;

/** Creates a user with roles, accepts the current policy (unless `accepted: false`) and signs them in. */
export async function makeUser(world: World, roles: Role[], options: { accepted?: boolean; username?: string; email?: string } = {}): Promise<TestUser> {
  const db = world.services.db.kysely;
  const now = world.clock.now();
  const id = newId();
  const username = options.username ?? unique(roles[0] ?? 'user');
  await db.insertInto('users').values({
    id, username, display_name: username, email: options.email ?? null, password_hash: await (passwordHash ??= hashPassword(PASSWORD)),
    must_change_password: 0, totp_secret: null, totp_enabled: 0, failed_sign_ins: 0, locked_until: null, active: 1,
    deactivated_at: null, created_at: now.toISOString(), updated_at: now.toISOString(), version: 1,
  }).execute();
  if (roles.length) await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: id, role }))).execute();
  if (options.accepted !== false) {
    const doc = await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').limit(1).executeTakeFirst();
    if (doc) await db.insertInto('policy_acceptances').values({ user_id: id, policy_document_id: doc.id, accepted_at: now.toISOString() }).execute();
  }
  const s = await createSession(db, id, now, world.config);
  return { id, username, cookie: s.cookieValue, csrf: s.csrfToken };
}

/**
 * Inserts a person directly: by default 17 on the test clock's date, old enough to give consent themselves (and a
 * child still, with parental responsibility); `dateOfBirth` for someone younger or older.
 */
export async function makePerson(world: World, fields: Partial<{ givenName: string; familyName: string; healthNotes: string; safeguardingNotes: string; email: string; dateOfBirth: string }> = {}) {
  const id = newId();
  const now = world.clock.now().toISOString();
  const given = fields.givenName ?? unique('Given');
  const family = fields.familyName ?? unique('Family');
  await world.services.db.kysely.insertInto('people').values({
    id, kind: 'service_user', given_name: given, family_name: family, preferred_name: null, sort_key: sortKey(family, given),
    date_of_birth: fields.dateOfBirth ?? '2008-04-01', pronouns: null, email: fields.email ?? 'someone@example.org', phone: null, address: null, ethnicity: null,
    health_notes: fields.healthNotes ?? 'asthma', safeguarding_notes: fields.safeguardingNotes ?? 'known to social care',
    archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
  }).execute();
  return id;
}

const casePurposes = new WeakMap<World, Promise<string>>();

/**
 * The active purpose cases are held for unless a test names another (2.1): "Casework (tests)", inserted once per
 * world and reviewed in 2099, so no test clock passes its review. Its guardian and author are the world's first user
 * (the columns must name one; they decide nothing), or a guardian made for it in a world with no user yet.
 */
export function casePurpose(world: World): Promise<string> {
  let purpose = casePurposes.get(world);
  if (!purpose) {
    purpose = (async () => {
      const first = await world.services.db.kysely.selectFrom('users').select('id').orderBy('id').limit(1).executeTakeFirst();
      const userId = first?.id ?? (await makeUser(world, ['guardian'])).id;
      return insertPurpose(world, { name: 'Casework (tests)', guardianId: userId, createdBy: userId, nextReviewOn: '2099-12-31', categories: ['general', 'personal', 'special', 'session'], art9Condition: 'not_for_profit_body' });
    })();
    casePurposes.set(world, purpose);
  }
  return purpose;
}

/**
 * Opens a case for a person with the given team (user id → team role), held for `purposeId` (default
 * {@link casePurpose}, active; null: none, as a case opened before purposes were required).
 */
export async function makeCase(world: World, personId: string, team: Record<string, string> = {}, options: { purposeId?: string | null } = {}) {
  const id = newId();
  const now = world.clock.now().toISOString();
  const db = world.services.db.kysely;
  const purposeId = options.purposeId === undefined ? await casePurpose(world) : options.purposeId;
  await db.insertInto('cases').values({
    id, person_id: personId, service: 'Music mentoring', status: 'open', opened_on: now.slice(0, 10), closed_on: null,
    summary: 'referred by school', support_needs: 'anxiety', risk_notes: 'none known', purpose_id: purposeId, archived_at: null, created_by: null,
    created_at: now, updated_at: now, version: 1,
  }).execute();
  for (const [userId, role] of Object.entries(team)) {
    await db.insertInto('case_team').values({ case_id: id, user_id: userId, team_role: role, added_at: now, added_by: null }).execute();
  }
  return id;
}

/**
 * Inserts an organisation directly: by default a partner agency with a unique name, no contact details and no
 * commercial notes. `kind` is written as given, unchecked against ORGANISATION_KINDS. Answers its id.
 */
export async function makeOrganisation(
  world: World,
  fields: Partial<{ name: string; kind: string; commercialNotes: string | null; contactEmail: string | null; contactName: string | null; website: string | null; address: string | null }> = {},
): Promise<string> {
  const id = newId();
  const now = world.clock.now().toISOString();
  const name = fields.name ?? unique('Organisation');
  await world.services.db.kysely.insertInto('organisations').values({
    id, kind: fields.kind ?? 'partner_agency', name, sort_key: sortKey(name), website: fields.website ?? null, contact_name: fields.contactName ?? null,
    contact_email: fields.contactEmail ?? null, contact_phone: null, address: fields.address ?? null, commercial_notes: fields.commercialNotes ?? null,
    archived_at: null, created_by: null, created_at: now, updated_at: now, version: 1,
  }).execute();
  return id;
}

/** Inserts a session note on a case. */
export async function makeNote(world: World, caseId: string, authorId: string, body = 'talked about drumming and home') {
  const id = newId();
  const now = world.clock.now().toISOString();
  await world.services.db.kysely.insertInto('notes').values({
    id, case_id: caseId, kind: 'session', channel: 'face_to_face', occurred_at: now, title: 'Drum session', body, author_id: authorId,
    archived_at: null, created_at: now, updated_at: now, version: 1,
  }).execute();
  return id;
}

/** A small HTTP client acting as one user (or anonymously), sending the CSRF header on writes. */
export function as(world: World, user?: TestUser) {
  const request = (method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) =>
    world.app.inject({
      method, url,
      ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
      headers: {
        ...(user ? { cookie: `${SESSION_COOKIE}=${user.cookie}`, 'x-csrf-token': user.csrf } : {}),
        ...headers,
      },
    });
  return {
    get: (url: string, headers?: Record<string, string>) => request('GET', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => request('POST', url, body ?? {}, headers),
    patch: (url: string, body: unknown, headers?: Record<string, string>) => request('PATCH', url, body, headers),
    put: (url: string, body: unknown, headers?: Record<string, string>) => request('PUT', url, body, headers),
    delete: (url: string, headers?: Record<string, string>) => request('DELETE', url, undefined, headers),
  };
}

/** Every audit row, oldest first. */
export const auditRows = (world: World) => world.services.db.kysely.selectFrom('audit_events').selectAll().orderBy('seq').execute();

/**
 * An active purpose in the register (3.1), written straight to its table: approved by `guardianId`, with its review
 * due on `nextReviewOn` (default 2027-12-31), for `categories` (default general and personal) going to
 * `recipientCategories`. For tests about what is due or what a purpose covers, not about approving purposes.
 */
export async function insertPurpose(world: World, p: {
  name: string; guardianId: string; createdBy: string; nextReviewOn?: string; description?: string;
  categories?: Classification[]; art9Condition?: string | null; recipientCategories?: string[];
}) {
  const id = newId();
  const now = world.clock.now().toISOString();
  const categories = p.categories ?? ['general', 'personal'];
  await world.services.db.kysely.insertInto('purposes').values({
    id, name: p.name, description: p.description ?? 'Support planning.', lawful_basis: 'public_task', art9_condition: p.art9Condition ?? null,
    data_categories: JSON.stringify(categories), categories_mask: classMask(categories), recipient_categories: JSON.stringify(p.recipientCategories ?? ['internal service only']),
    needs_identity: 1, retention_period: 'P1Y', guardian_id: p.guardianId, next_review_on: p.nextReviewOn ?? '2027-12-31', status: 'active', created_by: p.createdBy,
    approved_by: p.guardianId, approved_at: now, retired_by: null, retired_at: null, retire_reason: null, created_at: now, updated_at: now, version: 1,
  }).execute();
  return id;
}

/** A multipart/form-data body carrying one file in the field `file`, as a browser sends an upload. */
export function multipartFile(bytes: Buffer, filename = 'signed copy.pdf', type = 'application/pdf') {
  const boundary = `----confide${Math.random().toString(36).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`),
    bytes, Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The conditions of a sharing agreement (practice 5.1), as the API takes them. */
export const AGREEMENT_CONDITIONS = { security: 'Encrypted email only.', onwardSharing: 'None without our written agreement.', retention: 'Deleted after 12 months.', breachNotification: 'Within 24 hours, to the DPO.' };

/**
 * The purpose exception disclosures to the police go under (3.1, 1.3): "Statutory requests", created by `creator`
 * and approved by another guardian (`approver`) through the API, as a manager and a guardian would.
 */
export async function approvedStatutoryPurpose(world: World, creator: TestUser, guardianId: string, approver: TestUser): Promise<string> {
  const created = await as(world, creator).post('/api/purposes', {
    name: 'Statutory requests', description: 'Answer what the law requires us to share.', lawfulBasis: 'legal_obligation', art9Condition: null,
    dataCategories: ['general', 'personal'], recipientCategories: ['police'], needsIdentity: true, retentionPeriod: 'P6Y', guardianId, nextReviewOn: '2027-03-01',
  });
  if (created.statusCode !== 201) throw new Error(`purpose not created: ${created.body}`);
  const approved = await as(world, approver).post(`/api/purposes/${created.json().data.id}/approve`, {}, { 'if-match': created.headers.etag as string });
  if (approved.statusCode !== 200) throw new Error(`purpose not approved: ${approved.body}`);
  return created.json().data.id as string;
}

/**
 * A consent given (4.1), written straight to its table: for tests that review consents in force rather than record
 * them through the form, which checks who may answer at what age. `givenBy` is stored as it comes.
 */
export async function insertConsent(
  world: World,
  c: { personId: string; purposeId: string; recordedBy: string; givenBy?: string; expiresAt?: string | null; recordedAt?: string },
) {
  const id = newId();
  const now = world.clock.now().toISOString();
  await world.services.db.kysely.insertInto('consents').values({
    id, person_id: c.personId, purpose_id: c.purposeId, decision: 'given', recipients: '[]', data_categories: '["general"]', categories_mask: 1,
    told_why: 'w', told_with_whom: 'w', told_consequences: 'c', told_service_impact: 's', method: 'oral', method_detail: null, given_by: c.givenBy ?? 'person',
    given_by_detail: null, expires_at: c.expiresAt ?? null, supersedes: null, superseded_by: null, withdrawn_at: null, withdrawal_method: null, withdrawal_note: null,
    recorded_by: c.recordedBy, recorded_at: c.recordedAt ?? now, created_at: now, updated_at: now, version: 1,
  }).execute();
  return id;
}

/**
 * Requests a disclosure as `requester` (4.3), has `approver` approve it when it waits for a manager's approval (an
 * exception, 1.3), and issues its acknowledgement link: the id, the request's answer and the link's token.
 */
export async function requestDisclosureWithLink(world: World, requester: TestUser, approver: TestUser, body: Record<string, unknown>) {
  const res = await as(world, requester).post('/api/disclosures', body);
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json().data.id as string;
  if (res.json().data.status === 'awaiting_approval') {
    const ok = await as(world, approver).post(`/api/disclosures/${id}/approval`, { decision: 'approve', justification: 'A statutory request.', tellPerson: true });
    expect(ok.statusCode, ok.body).toBe(200);
  }
  const link = await as(world, requester).post(`/api/disclosures/${id}/acknowledgement-link`, {});
  expect(link.statusCode, link.body).toBe(201);
  return { id, requested: res.json().data, token: new URL(link.json().url).pathname.split('/').at(-1)! };
}

/**
 * A disclosure already released on `basis` at `releasedAt` (4.3), written straight to its table, for tests that
 * count and review disclosures rather than make them.
 */
export async function insertReleasedDisclosure(
  world: World,
  d: { personId: string; basis: string; releasedAt: string; purposeId: string; orgId: string; requestedBy: string; releasedBy: string },
) {
  const id = newId();
  const at = d.releasedAt;
  await world.services.db.kysely.insertInto('disclosures').values({
    id, reference: `D-${id.slice(-6)}`, person_id: d.personId, recipient_org_id: d.orgId, recipient_name: 'R. Recipient', recipient_role: 'GP', recipient_email: null,
    purpose_id: d.purposeId, reason: 'confidential reason text', items: '{}', item_count: 1, data_categories: '["general"]', categories_mask: 1, pseudonymise: 0,
    mode: 'written', oral_channel: null, occurred_at: null, client_requested: 0, client_request_detail: null, client_request_recorded_by: null,
    client_request_recorded_at: null, basis: d.basis, consent_id: null, exception_ground: null, exception_reference: null, approved_by: null, approved_at: null,
    justification: null, tell_person: null, not_told_reason: null, person_told_at: null, status: 'released', ack_token_hash: null, ack_expires_at: null,
    ack_method: null, ack_name: null, ack_date: null, ack_at: null, ack_attested_by: null, pack_sha256: null, pack_json_sha256: null,
    released_at: at, released_by: d.releasedBy, requested_by: d.requestedBy, requested_at: at, created_at: at, updated_at: at, version: 1,
  }).execute();
  return id;
}
