import { agreementInForceFor } from '../agreements/covers';
import { agreementStatus } from '../agreements/record';
import type { Ctx } from '../context';
import type { Classification } from '../policy/types';
import { ukDate } from '../information-use/plain';
import { purposeInForce } from '../policy/consent-relation';

/*
 * What stands between a disclosure still waiting to go out and its release, told before anyone tries (1.3, 4.3,
 * practice 5.1, 3.1): its basis and purpose are checked again at release, so a disclosure whose consent was
 * withdrawn, whose sharing agreement ended, or whose purpose is no longer in force would be refused — the view says
 * so instead of "ready to release", and does not offer it. A few queries for a page of rows, whatever its length.
 */

/** A disclosure row as stored (snake_case columns). */
export type DisclosureLike = Record<string, unknown> & { id: string };

/** Statuses in which a disclosure still waits to go out, so the basis it rests on still matters. */
const PENDING = new Set(['awaiting_acknowledgement', 'acknowledged']);
const pending = (r: DisclosureLike) => PENDING.has(r.status as string);

/**
 * When the person withdrew consent for a pending disclosure's purpose (1.3, 4.1: a withdrawal takes effect at once),
 * by disclosure id: a consent-based or agreement-based disclosure not yet released whose person's current consent
 * version for its purpose is a withdrawal — an agreement never overrides the person's answer (4.3, rule
 * disclosure/not-over-a-refusal). Such a disclosure cannot be released (the basis is checked again at release and
 * refused), so it is shown as withdrawn rather than ready. One query for a page of rows.
 */
export async function consentWithdrawals(ctx: Ctx, rows: readonly DisclosureLike[]): Promise<Map<string, string>> {
  const waiting = rows.filter((r) => pending(r) && (r.basis === 'consent' || r.basis === 'agreement'));
  const out = new Map<string, string>();
  if (!waiting.length) return out;
  const withdrawals = await ctx.db.selectFrom('consents').select(['person_id', 'purpose_id', 'withdrawn_at'])
    .where('person_id', 'in', [...new Set(waiting.map((r) => r.person_id as string))]).where('superseded_by', 'is', null).where('decision', '=', 'withdrawn').execute();
  for (const r of waiting) {
    const w = withdrawals.find((x) => x.person_id === r.person_id && x.purpose_id === r.purpose_id);
    if (w?.withdrawn_at) out.set(r.id, w.withdrawn_at);
  }
  return out;
}

/** The sharing agreement a disclosure rests on, as its view names it: id, title and shown status (in_force, ended …). */
export interface AgreementNamed {
  id: string;
  title: string;
  status: string;
}

/** The agreement a disclosure rests on and, while it waits to go out, when that agreement ended (null while it stands). */
export interface AgreementState {
  agreement: AgreementNamed;
  endedAt: string | null;
}

/** The facts of an agreement that say whether and when it ended. */
interface EndingFacts {
  status: string;
  starts_on: string;
  ends_on: string;
  superseded_by: string | null;
  terminated_at: string | null;
  successor_signed_at: string | null;
}

/**
 * When an agreement stopped being in force (practice 5.1): terminated early (the termination's time), superseded by
 * a signed variation (the variation's signing), or past its last day (that day, inclusive); null while it stands.
 */
export function agreementEndedOn(a: EndingFacts, nowIso: string): string | null {
  if (a.status === 'terminated') return a.terminated_at ?? nowIso;
  if (a.superseded_by) return a.successor_signed_at ?? nowIso;
  return a.ends_on < nowIso.slice(0, 10) ? a.ends_on : null;
}

/**
 * By disclosure id, for each row that names one: the sharing agreement it rests on and — for a disclosure still to
 * go out on an agreement that has since ended, with no other signed agreement in force covering its recipient,
 * purpose and information now (the release's own question, src/agreements/covers.ts) — when the agreement ended.
 * Such a disclosure cannot be released. One query for the agreements of a page; the cover is asked again only for
 * a pending row whose agreement ended.
 */
export async function agreementStates(ctx: Ctx, rows: readonly DisclosureLike[]): Promise<Map<string, AgreementState>> {
  const out = new Map<string, AgreementState>();
  const ids = [...new Set(rows.map((r) => r.agreement_id).filter((x): x is string => typeof x === 'string'))];
  if (!ids.length) return out;
  const found = await ctx.db.selectFrom('agreements as a').leftJoin('agreements as s', 's.id', 'a.superseded_by')
    .select(['a.id', 'a.title', 'a.status', 'a.starts_on', 'a.ends_on', 'a.superseded_by', 'a.terminated_at', 's.signed_at as successor_signed_at'])
    .where('a.id', 'in', ids).execute();
  const byId = new Map(found.map((a) => [a.id, a]));
  for (const r of rows) {
    const a = byId.get(r.agreement_id as string);
    if (!a) continue;
    let endedAt = pending(r) && r.basis === 'agreement' ? agreementEndedOn(a, ctx.nowIso) : null;
    if (endedAt && await agreementInForceFor(ctx, r.recipient_org_id as string, r.purpose_id as string, JSON.parse(r.data_categories as string) as Classification[])) endedAt = null;
    out.set(r.id, { agreement: { id: a.id, title: a.title, status: agreementStatus(a, ctx.nowIso) }, endedAt });
  }
  return out;
}

/** Why nothing more goes under an agreement that ended, in the words the view and the release's refusal share. */
export const agreementEndedReason = (title: string, endedAt: string) =>
  `The sharing agreement “${title}” this disclosure rests on ended on ${ukDate(endedAt)}, and no other signed agreement in force covers this organisation, purpose and information: nothing more goes under it. A new or varied agreement signed by both sides, the person's consent, or an exception a manager approves would be needed.`;

/** A pending disclosure's purpose that no longer covers anything (3.1), as its view names it. */
export interface PurposeOutOfForce {
  id: string;
  name: string;
  /** retired, still a draft, or past its review date (`reviewDueOn`) without a guardian's approval since. */
  state: 'retired' | 'draft' | 'review-overdue';
  reviewDueOn: string;
}

/**
 * By disclosure id, for each row still waiting to go out whose purpose is no longer in force (3.1: a purpose covers
 * processing only while active and not past its review date — src/policy/consent-relation.ts, as the release
 * checks it): which purpose and why. One query for a page of rows.
 */
export async function purposesOutOfForce(ctx: Ctx, rows: readonly DisclosureLike[]): Promise<Map<string, PurposeOutOfForce>> {
  const out = new Map<string, PurposeOutOfForce>();
  const waiting = rows.filter(pending);
  if (!waiting.length) return out;
  const purposes = await ctx.db.selectFrom('purposes').select(['id', 'name', 'status', 'next_review_on'])
    .where('id', 'in', [...new Set(waiting.map((r) => r.purpose_id as string))]).execute();
  const byId = new Map(purposes.map((p) => [p.id, p]));
  for (const r of waiting) {
    const p = byId.get(r.purpose_id as string);
    if (!p || purposeInForce({ id: p.id, status: p.status, nextReviewOn: p.next_review_on }, ctx.nowIso)) continue;
    const state = p.status === 'retired' ? 'retired' : p.status === 'active' ? 'review-overdue' : 'draft';
    out.set(r.id, { id: p.id, name: p.name, state, reviewDueOn: p.next_review_on });
  }
  return out;
}

/**
 * What the view adds to a disclosure about its basis: `consentWithdrawnAt` (1.3), `agreement` (the sharing agreement
 * it rests on: id, title, status), `agreementEndedAt` (practice 5.1) and `purposeNotInForce` (3.1) — and whether
 * release is still possible.
 */
export async function readinessOf(ctx: Ctx, rows: readonly DisclosureLike[]) {
  const [withdrawn, agreements, purposes] = await Promise.all([consentWithdrawals(ctx, rows), agreementStates(ctx, rows), purposesOutOfForce(ctx, rows)]);
  return (id: string) => {
    const a = agreements.get(id);
    const consentWithdrawnAt = withdrawn.get(id) ?? null;
    const agreementEndedAt = a?.endedAt ?? null;
    const purposeNotInForce = purposes.get(id) ?? null;
    return {
      consentWithdrawnAt, agreement: a?.agreement ?? null, agreementEndedAt, purposeNotInForce,
      blocked: consentWithdrawnAt !== null || agreementEndedAt !== null || purposeNotInForce !== null,
    };
  };
}
