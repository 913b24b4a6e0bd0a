import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { canActSql } from '../accounts/can-act';
import type { Database } from '../db/schema';
import { COMPARTMENTS, type RecordDescriptor } from '../records/descriptor';
import { compartmentKey, grantKeyOf, ownerOf, recordOf, type RecordType } from '../records/registry';
import { agreementCoversSql, coveringAgreement, type AgreementAsk } from './agreement-relation';
import { consentCoversSql, coveringConsent, purposeInForce, whyNotCovered, type ConsentAsk } from './consent-relation';
import type { ActiveGrant, Actor, Resource } from './types';

type AnyEb = ExpressionBuilder<Database, keyof Database>;

/**
 * How the team relation is written in SQL; both forms select exactly the same rows.
 * - 'set': `key IN (the actor's team set)`: the engine builds the set once; good for counts and exports.
 * - 'probe': one index seek per row ({@link teamProbe}): good for index-ordered pages (LIMIT) and single rows.
 */
export type TeamForm = 'set' | 'probe';

/** What a relation's SQL form is written for: rows of one record type, for one actor. */
export interface RelationQuery {
  eb: AnyEb;
  type: RecordType;
  actor: Actor;
  form: TeamForm;
  /** What the consent relation is asked (purpose, recipient, categories, when); without it, it holds for no row. */
  consent?: ConsentAsk;
  /** What the sharing-agreement relation is asked (partner, purpose, categories, when); without it, it holds for no row. */
  agreement?: AgreementAsk;
  /**
   * SQL expressions naming the users whose own conduct each row is about, for rows that stand for a record of `type`
   * without being one: a review flag is decided as the breach it may become, about the user it names
   * (src/breaches/conduct.ts). Read by `own-conduct` and `no-free-manager`; default: the type's descriptor `conduct`.
   */
  conduct?: readonly string[];
}

/** Why a relation does not hold, when that is the whole reason for a denial: the rule and clause to name. */
export interface Missing {
  ruleId: string;
  clauseKey: string;
  reason: string;
}

/**
 * A relation between an actor and a record that rules can require ("on the case team", "holds a grant on it").
 * Each is defined once, in both forms the policy needs, so a single-record decision and a list filter cannot drift:
 * `holds` decides from facts loaded before deciding (no I/O: rules are pure); `sql` keeps the same rows in a query;
 * `facts` reads those facts off a loaded row. The property test checks all three against an independent oracle.
 */
export interface RelationDef {
  /** What the relation means, in the policy's words (explanations). */
  meaning: string;
  holds(actor: Actor, resource: Resource): boolean;
  sql(q: RelationQuery): Expression<SqlBool>;
  /**
   * The facts `holds` reads, from a row loaded with {@link teamFlag}'s `_team` column; absent when `holds` reads
   * nothing off the row (the facts are loaded by whoever asks, as consent's are).
   */
  facts?(actor: Actor, type: RecordType, row: Record<string, unknown>): Partial<Resource>;
  /** Why it does not hold for this resource, in the policy's words (denials name it instead of the default). */
  missing?(resource: Resource): Missing;
}

const TRUE = sql<SqlBool>`1 = 1`;
const FALSE = sql<SqlBool>`1 = 0`;
/** The column holding a record's compartment key (only for types a team or grant reaches). */
const keyRef = (d: RecordDescriptor) => sql.ref(`${d.table}.${d.access!.column}`);
/** The team table of a record type's compartment; null for a type no team reaches (its team relation never holds). */
const teamOf = (type: RecordType) => {
  const access = recordOf(type).access;
  return access ? COMPARTMENTS[access.compartment].team : null;
};

/** The keys (person, case or organisation ids, as column `k`) of the records whose team the actor is on. */
export function teamSet(eb: AnyEb, type: RecordType, actorId: string) {
  const team = teamOf(type);
  if (!team) throw new Error(`No team reaches a ${type}`);
  // case_team.person_id is the case's person, kept by trigger (migration 0008): one index range, no join.
  return eb
    .selectFrom(`${team.table} as tm` as 'case_team as tm')
    .select(sql<string>`${sql.ref(`tm.${team.column}`)}`.as('k'))
    .where('tm.user_id', '=', actorId);
}

/**
 * "Is the actor on this row's team?" as a per-row probe: a correlated scalar subquery with LIMIT 1, true when it
 * finds a team row. It means exactly `key IN teamSet(...)` (keys are never null), but costs one index seek per row
 * instead of building the actor's whole team set first — what an index-ordered scan that stops after one page, or
 * a single-record read, needs. A scalar subquery rather than EXISTS on purpose: PostgreSQL may turn an EXISTS under
 * OR (or in the select list) into a hashed subplan that builds the entire set (~100k rows for a large team) even
 * when only 50 rows are wanted; it never hashes a scalar subquery.
 */
export function teamProbe(_eb: AnyEb, type: RecordType, actorId: string): Expression<SqlBool> {
  // SQL text, not the builder: it is built for every single-record read, where the builder's work cost more than
  // running the query. Same SQL either way.
  const team = teamOf(type);
  if (!team) return FALSE;
  return sql<SqlBool>`(select 1 from ${sql.table(team.table)} as tm where ${sql.ref(`tm.${team.column}`)} = ${keyRef(recordOf(type))} and tm.user_id = ${actorId} limit 1) is not null`;
}

/** Keys of records of this type the actor holds an active grant on. */
export function grantKeys(actor: Actor, type: RecordType): string[] {
  const prop = grantKeyOf(type);
  const keys: string[] = [];
  if (!prop) return keys;
  for (const g of actor.grants) {
    const v = g[prop];
    if (v) keys.push(v);
  }
  return keys;
}

/**
 * Mask of classifications the actor's grants cover for one record (by its person, case or organisation key); with
 * `kind`, only grants of that kind (break-glass uses: the `emergency` fact).
 */
export function grantedMask(actor: Actor, type: RecordType, key: string | null, kind?: ActiveGrant['kind']): number {
  const prop = grantKeyOf(type);
  let mask = 0;
  if (!prop || key === null) return mask;
  for (const g of actor.grants) if (g[prop] === key && (kind === undefined || g.kind === kind)) mask |= g.mask;
  return mask;
}

/** The relation registry. Rules name these; {@link decide} and {@link visibleWhere} use them and nothing else. */
export const RELATIONS = {
  /** The actor's role alone is enough. */
  any: {
    meaning: 'any record',
    holds: () => true,
    sql: () => TRUE,
  },
  /** 3.4 need to know: the actor works with the client (the case team) or deals with the organisation (its team). */
  team: {
    meaning: "on the record's team",
    holds: (_actor, r) => r.team === true,
    sql: ({ eb, type, actor, form }) => (!teamOf(type) ? FALSE : form === 'probe' ? teamProbe(eb, type, actor.id) : eb(keyRef(recordOf(type)), 'in', teamSet(eb, type, actor.id))),
    facts: (_actor, _type, row) => ({ team: row._team === 1 || row._team === true || row._team === '1' }),
  },
  /**
   * 3.4: a manager granted the actor time-limited access, or the actor broke the glass (practice 4.2). Its facts say
   * what the grants cover (`granted`) and which part of that comes from break-glass uses (`emergency`), so the
   * emergency reads are decided — and audited — by their own rule.
   */
  grant: {
    meaning: 'holds an access grant on the record',
    holds: (_actor, r) => (r.granted ?? 0) !== 0,
    sql: ({ eb, type, actor }) => {
      const keys = grantKeys(actor, type);
      return keys.length ? eb(keyRef(recordOf(type)), 'in', keys) : FALSE;
    },
    facts: (actor, type, row) => {
      const key = compartmentKey(type, row);
      return { granted: grantedMask(actor, type, key), emergency: grantedMask(actor, type, key, 'break_glass') };
    },
  },
  /** The record is the actor's own (a note they wrote, an access grant they asked for). */
  self: {
    meaning: 'the record is their own',
    holds: (actor, r) => r.ownerId != null && r.ownerId === actor.id,
    sql: ({ eb, type, actor }) => {
      const d = recordOf(type);
      return d.owner ? eb(sql.ref(`${d.table}.${d.owner}`), '=', actor.id) : FALSE;
    },
    facts: (_actor, type, row) => ({ ownerId: ownerOf(type, row) }),
  },
  /**
   * 1.3, 4.1, 4.2 consentCovers(person, purpose, recipient, categories, at): a current consent of the record's
   * person — latest version, decision given, not withdrawn, not expired at `at` — for a purpose in force (3.1)
   * lists the recipient and covers every category. Its facts (`consent`) are loaded by the caller that asks the
   * question (src/consent/check.ts); its SQL form needs the question (`consent` in the query).
   */
  consent: {
    meaning: "the person's current consent covers this recipient, purpose and data",
    holds: (_actor, r) => r.consent !== undefined && coveringConsent(r.consent) !== null,
    sql: ({ type, consent }) => {
      const subject = recordOf(type).subjectPerson;
      return consent && subject ? consentCoversSql(sql.raw(subject), consent) : FALSE;
    },
    missing: (r) =>
      r.consent && !purposeInForce(r.consent.purpose, r.consent.at)
        ? {
          ruleId: 'purposes/not-in-force', clauseKey: 'purpose-register',
          reason: 'No active purpose covers this: the purpose is a draft, retired or due for review, so the guardian must approve it first.',
        }
        : {
          ruleId: 'consent/none-covers', clauseKey: 'informed-consent',
          reason: r.consent ? whyNotCovered(r.consent) : "No current consent of this person covers this recipient, purpose and information: ask for the person's informed consent first.",
        },
  },
  /**
   * Practice 5.1 agreementCovers(organisation, purpose, categories, at): a fully signed sharing agreement (joint
   * working protocol) in force at `at`, the organisation a party, covering the purpose (in force, 3.1) and every
   * category. Its facts (`agreement`) are loaded by the caller that asks (src/agreements/covers.ts); its SQL form
   * needs the question (`agreement` in the query) and does not depend on the row.
   */
  agreement: {
    meaning: 'a signed sharing agreement in force covers this partner, purpose and information',
    holds: (_actor, r) => r.agreement !== undefined && coveringAgreement(r.agreement) !== null,
    sql: ({ agreement }) => (agreement ? agreementCoversSql(agreement) : FALSE),
    missing: () => ({
      ruleId: 'agreements/none-covers', clauseKey: 'sharing-agreements',
      reason: 'No signed sharing agreement in force covers this organisation, purpose and information: agree and sign a joint working protocol first.',
    }),
  },
  /**
   * Practice 4.1: the disclosure is a safeguarding referral (made for a concern). Concerns are need to know of the
   * safeguarding leads and management, so a referral's disclosure is reached through this relation only, never
   * through the person's case team. Holds for no record of any other type.
   */
  referral: {
    meaning: 'the disclosure is a safeguarding referral',
    holds: (_actor, r) => r.referral === true,
    sql: ({ eb, type }) => (type === 'disclosure' ? eb(sql.ref('disclosures.concern_id'), 'is not', null) : FALSE),
    facts: (_actor, type, row) => (type === 'disclosure' ? { referral: row.concern_id != null } : {}),
  },
  /**
   * Clause 5: no active manager is free to deal with this breach or review flag — every one is someone whose own
   * conduct it is about (rule breaches/not-own-conduct), or cannot act yet (never signed in to set their password:
   * src/accounts/can-act.ts), or there is none. The guardian deals with it then, so it is never left to the person it
   * concerns nor to nobody who can act. The fact is loaded before deciding (src/breaches/conduct.ts);
   * its SQL form reads the row's conduct (a breach's, or a flag's: `conduct` in the query); holds for no record of any
   * other type. When it does not hold, a refusal says who deals with it, under clause 5.
   */
  'no-free-manager': {
    meaning: 'no active manager is free to deal with the breach or review flag',
    holds: (_actor, r) => r.noFreeManager === true,
    sql: ({ eb, type, conduct }) => (type === 'breach' ? eb.not(eb.exists(freeManager(conduct ?? recordOf(type).conduct ?? []))) : FALSE),
    missing: () => ({
      ruleId: 'default/deny', clauseKey: 'breach-handling',
      reason: 'Management deal with breaches and review flags; the guardian does only when no active manager is free to (every one is someone it is about or has not set up their account yet, or there is none).',
    }),
  },
  /**
   * Clause 5: the record is about the actor's own conduct — a breach opened from their break-glass use or from a
   * review flag naming them (the descriptor's `conduct`) — or such a review flag itself (its user: `conduct` in the
   * query, src/breaches/conduct.ts). Rule breaches/not-own-conduct forbids on it: a disciplinary
   * matter is neither judged nor followed by the person it concerns. Its facts (`conductOf`, every user the record
   * is about) are read off the row loaded with `_conduct<i>` columns (src/records/guard.ts); a row loaded without
   * them asks nothing. Holds for no record of a type without `conduct`.
   */
  'own-conduct': {
    meaning: 'the record is about their own conduct',
    holds: (actor, r) => r.conductOf?.includes(actor.id) === true,
    sql: ({ type, actor, conduct: rows }) => {
      const conduct = rows ?? recordOf(type).conduct;
      // Never null (so `not` of it is exact): a missing link compares as '' and no user id is empty.
      return conduct?.length ? sql<SqlBool>`(${sql.join(conduct.map((e) => sql`coalesce(${sql.raw(e)}, '') = ${actor.id}`), sql` or `)})` : FALSE;
    },
    facts: (_actor, type, row) => {
      const conduct = recordOf(type).conduct;
      if (!conduct?.length || !(conductColumn(0) in row)) return {};
      return { conductOf: [...new Set(conduct.map((_, i) => row[conductColumn(i)]).filter((u): u is string => typeof u === 'string'))] };
    },
  },
  /**
   * 3.4, 1.3: the disclosure rests on the person's consent or a sharing agreement, not on an exception to consent (a
   * legal duty, an emergency, a crime). That someone's information went to the police or a court without their
   * consent is need to know of the staff on their case and of management, not of the volunteers and students who
   * work with them (rule disclosure/case-team-volunteer-reads). Holds for every record of another type.
   */
  'not-exception': {
    meaning: 'not made under an exception to consent',
    holds: (_actor, r) => r.exception !== true,
    sql: ({ eb, type }) => (type === 'disclosure' ? eb(sql.ref('disclosures.basis'), '!=', 'exception') : TRUE),
    facts: (_actor, type, row) => (type === 'disclosure' ? { exception: row.basis === 'exception' } : {}),
  },
  /**
   * The opposite of `referral`: anything but a safeguarding referral's disclosure. The case team's disclosure rules
   * require it, so a referral never shows in a person's register to the team (practice 4.1, 3.4).
   */
  ordinary: {
    meaning: 'not a safeguarding referral',
    holds: (_actor, r) => r.referral !== true,
    sql: ({ eb, type }) => (type === 'disclosure' ? eb(sql.ref('disclosures.concern_id'), 'is', null) : TRUE),
  },
} as const satisfies Record<string, RelationDef>;

/**
 * A manager who can act (active and set up: src/accounts/can-act.ts) whose conduct the row in the outer query is not
 * about (the `no-free-manager` relation): `conduct` are the SQL expressions naming the users it is about, as
 * `own-conduct` reads them (a missing one compares as '').
 */
const freeManager = (conduct: readonly string[]) => sql<number>`(select 1 from user_roles mr join users mu on mu.id = mr.user_id
  where mr.role = 'manager' and ${canActSql('mu')}${sql.join(conduct.map((e) => sql` and coalesce(${sql.raw(e)}, '') <> mu.id`), sql``)})`;

/** The column a row is loaded with for the `i`th expression of its type's `conduct` (the `own-conduct` relation's facts). */
export const conductColumn = (i: number) => `_conduct${i}`;

/** The relations that read facts off a row (every single-record decision reads them). */
const ROW_FACTS = (Object.values(RELATIONS) as RelationDef[]).flatMap((rel) => (rel.facts ? [rel.facts] : []));

/** The decision facts for one loaded row, from every relation's `facts`. */
export function factsFor(actor: Actor, type: RecordType, row: Record<string, unknown>): Resource {
  // `classification` is a key from the start, though unset: every decision copies the facts with it set
  // (`{ ...facts, classification }`), and on Node.js 20 a copy made by spreading that then gains a key it did not
  // have costs ~1 µs (V8 leaves the fast path), against ~25 ns when the key is already there.
  const facts: Resource = { type, id: row.id as string, classification: undefined };
  for (const read of ROW_FACTS) Object.assign(facts, read(actor, type, row));
  return facts;
}

/**
 * A selectable 0/1 column `_team` telling whether the actor is on the record's team, the fact the team relation
 * reads. Uses the per-row {@link teamProbe}: a single-record read or a page of 50 never builds the whole team set.
 */
export function teamFlag(eb: AnyEb, type: RecordType, actorId: string) {
  return sql<number>`case when ${teamProbe(eb, type, actorId)} then 1 else 0 end`.as('_team');
}
