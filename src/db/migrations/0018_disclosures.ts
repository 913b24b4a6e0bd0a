import { sql, type Kysely } from 'kysely';

/**
 * Third-party disclosure (1.2, 1.3, 2.2, 3.2, 4.3; Caldicott 3 minimum necessary).
 * - disclosures: one request to disclose one person's chosen items to one named recipient for one purpose, with
 *   its basis (consent or an approved exception), the recipient's acknowledgement of the terms and, once released,
 *   the SHA-256 of the pack. The register reads this table: per person, per recipient organisation (keyset on
 *   recipient_org_id, released_at, id) and organisation-wide.
 * - disclosure_packs: the pack exactly as released (PDF, base64, and JSON), so a copy can be downloaded again and
 *   any copy checked against the stored hash.
 * - pseudonym_keys: one random key per recipient organisation, so a pseudonymised pack names a person by the same
 *   pseudonym every time for that recipient and differently for every other one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('disclosures')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', 'text', (c) => c.notNull().references('people.id'))
    .addColumn('recipient_org_id', 'text', (c) => c.notNull().references('organisations.id'))
    .addColumn('recipient_name', 'text', (c) => c.notNull())
    .addColumn('recipient_role', 'text', (c) => c.notNull())
    .addColumn('recipient_email', 'text')
    .addColumn('purpose_id', 'text', (c) => c.notNull().references('purposes.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('item_count', 'integer', (c) => c.notNull())
    .addColumn('data_categories', 'text', (c) => c.notNull())
    .addColumn('categories_mask', 'integer', (c) => c.notNull())
    .addColumn('pseudonymise', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('oral_channel', 'text')
    .addColumn('occurred_at', 'text')
    .addColumn('client_requested', 'integer', (c) => c.notNull())
    .addColumn('client_request_detail', 'text')
    .addColumn('client_request_recorded_by', 'text', (c) => c.references('users.id'))
    .addColumn('client_request_recorded_at', 'text')
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('consent_id', 'text', (c) => c.references('consents.id'))
    .addColumn('exception_ground', 'text')
    .addColumn('exception_reference', 'text')
    .addColumn('approved_by', 'text', (c) => c.references('users.id'))
    .addColumn('approved_at', 'text')
    .addColumn('justification', 'text')
    .addColumn('tell_person', 'integer')
    .addColumn('not_told_reason', 'text')
    .addColumn('person_told_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ack_token_hash', 'text')
    .addColumn('ack_expires_at', 'text')
    .addColumn('ack_method', 'text')
    .addColumn('ack_name', 'text')
    .addColumn('ack_date', 'text')
    .addColumn('ack_at', 'text')
    .addColumn('ack_attested_by', 'text', (c) => c.references('users.id'))
    .addColumn('pack_sha256', 'text')
    .addColumn('pack_json_sha256', 'text')
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'text', (c) => c.references('users.id'))
    .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // The register for one recipient: a keyset page on (recipient, released_at, id).
  await db.schema.createIndex('disclosures_by_recipient').on('disclosures').columns(['recipient_org_id', 'released_at', 'id']).execute();
  // A person's register, newest first.
  await db.schema.createIndex('disclosures_by_person').on('disclosures').columns(['person_id', 'requested_at', 'id']).execute();
  // The organisation-wide register, newest first.
  await db.schema.createIndex('disclosures_by_time').on('disclosures').columns(['requested_at', 'id']).execute();
  // The acknowledgement link is found by the hash of its token; verifying a pack, by its hash.
  await db.schema.createIndex('disclosures_ack_token').on('disclosures').column('ack_token_hash').unique().where(sql.ref('ack_token_hash'), 'is not', null).execute();
  await db.schema.createIndex('disclosures_pack_sha').on('disclosures').column('pack_sha256').where(sql.ref('pack_sha256'), 'is not', null).execute();
  await db.schema.createIndex('disclosures_pack_json_sha').on('disclosures').column('pack_json_sha256').where(sql.ref('pack_json_sha256'), 'is not', null).execute();

  await db.schema
    .createTable('disclosure_packs')
    .addColumn('disclosure_id', 'text', (c) => c.primaryKey().references('disclosures.id'))
    .addColumn('pdf_base64', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('pseudonym_keys')
    .addColumn('organisation_id', 'text', (c) => c.primaryKey().references('organisations.id'))
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
