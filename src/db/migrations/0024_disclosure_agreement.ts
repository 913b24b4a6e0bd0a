import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The sharing agreement a disclosure rests on (4.3, practice 5.1), so the register and the audit can show
 * afterwards which joint working protocol allowed it.
 * - disclosures.agreement_id: the signed agreement in force that covered the disclosure when its basis was decided
 *   (at request, and again at release, which records the agreement that held then); null for a disclosure on
 *   consent or an exception. disclosures_by_agreement finds the disclosures made under one agreement.
 * - Disclosures made before this migration on an agreement take the agreement their newest allowed request or
 *   release entry in the audit chain names (`detail.agreementId`), when that agreement still exists.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('disclosures').addColumn('agreement_id', 'text', (c) => c.references('agreements.id')).execute();
  await db.schema.createIndex('disclosures_by_agreement').on('disclosures').column('agreement_id').where(sql.ref('agreement_id'), 'is not', null).execute();
  await backfillAgreements(db);
}

/**
 * Sets the agreement of every agreement-based disclosure that names none from the audit chain: the agreement its
 * newest allowed request or release entry names, when that agreement exists. Changes nothing else.
 */
export async function backfillAgreements(db: Kysely<unknown>): Promise<void> {
  const named = db.getExecutor().adapter instanceof PostgresAdapter
    ? sql`(a.detail::jsonb ->> 'agreementId')`
    : sql`json_extract(a.detail, '$.agreementId')`;
  await sql`update disclosures set agreement_id = (
      select ag.id from audit_events a join agreements ag on ag.id = ${named}
      where a.resource_type = 'disclosure' and a.resource_id = disclosures.id and a.decision = 'allow'
        and a.action in ('disclosure.request', 'disclosure.release')
      order by a.seq desc limit 1)
    where basis = 'agreement' and agreement_id is null`.execute(db);
}
