import { sql } from 'kysely';

/**
 * Whether an account can act on what it is told (practice 4.1: concerns go to management "for their immediate
 * action"; clause 5: breaches are dealt with): it is active and its holder has a password of their own — they have
 * signed in and left the one-time password behind. An account created with a one-time password
 * (src/accounts/admin.ts, createUser), or reset to one, can do nothing but choose its password (src/http/pipeline.ts)
 * until its holder signs in. Alerts are still queued for such an account, to read then, but it is never counted as
 * someone alerted who can act (src/notify/notify.ts, Alerted), nor as a manager free to deal with a breach
 * (src/breaches/conduct.ts, the `no-free-manager` relation). The one definition, in memory and ({@link canActSql}) in SQL.
 */
export const canAct = (u: { active: number; must_change_password: number }) => Number(u.active) === 1 && Number(u.must_change_password) === 0;

/** {@link canAct} as an SQL condition on the `users` table under the alias `alias`. */
export const canActSql = (alias: string) => sql<boolean>`${sql.ref(`${alias}.active`)} = 1 and ${sql.ref(`${alias}.must_change_password`)} = 0`;
