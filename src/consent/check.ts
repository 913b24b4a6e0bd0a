import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { CLOCK_SKEW_MS } from '../lib/clock';
import { forbidden, invalidInput } from '../lib/errors';
import { coveringConsent, type ConsentFact, type ConsentFacts } from '../policy/consent-relation';
import { decide } from '../policy/decide';
import { classMask, type Classification } from '../policy/types';
import { findVisible } from '../records/guard';
import { recipientKey } from './recipients';
import type { CheckInput } from './schema';

/** Decisions of consent.check that answer the question "no" (200) rather than refusing to answer it (403). */
const ANSWERS_NO = new Set(['consent/none-covers', 'purposes/not-in-force']);

type VersionRow = { id: string; decision: string; expires_at: string | null; withdrawn_at: string | null; categories_mask: number | string; recorded_at: string; recipient: string | null };

/** A version's rows (one per recipient) as the relation's fact, in the order the versions were recorded. */
function versionFacts(rows: readonly VersionRow[]): (ConsentFact & { from: string })[] {
  const byId = new Map<string, ConsentFact & { from: string; recipients: string[] }>();
  for (const r of rows) {
    let c = byId.get(r.id);
    if (!c) {
      // A withdrawal takes effect when the person withdrew (which may be before it was recorded); any other version
      // when it was recorded.
      const from = r.decision === 'withdrawn' && r.withdrawn_at ? r.withdrawn_at : r.recorded_at;
      byId.set(r.id, (c = { id: r.id, decision: r.decision, expiresAt: r.expires_at, withdrawnAt: r.withdrawn_at, mask: Number(r.categories_mask), recipients: [], from }));
    }
    if (r.recipient) c.recipients.push(r.recipient);
  }
  return [...byId.values()];
}

/**
 * The facts the consent relation decides from, loaded in one go before deciding (rules do no I/O): the purpose's
 * state and the person's versions for it in force at the time asked, with their recipient keys.
 *
 * For now or a later time (an expiry) that is the current version. For an earlier time — an oral disclosure recorded
 * after it happened, or "did we have consent when we shared on that day?" — it is the version in force then, as now
 * known (1.3, 4.1): the last one to take effect by that time, a withdrawal from when the person withdrew, any other
 * version from when it was recorded. A consent recorded today never covers a time before it. The purpose is taken
 * as it stands now: its history of reviews is not kept.
 */
export async function loadConsentFacts(ctx: Ctx, personId: string, input: CheckInput, path: string): Promise<ConsentFacts> {
  const at = input.at ? new Date(input.at).toISOString() : ctx.nowIso;
  const past = Date.parse(at) < ctx.now.getTime() - CLOCK_SKEW_MS;
  const purpose = await ctx.db.selectFrom('purposes').select(['id', 'status', 'next_review_on']).where('id', '=', input.purposeId).executeTakeFirst();
  if (!purpose) throw invalidInput('No purpose with that id in the register.', [{ path: `${path}.purposeId`, message: 'no such purpose' }]);
  let query = ctx.db.selectFrom('consents').leftJoin('consent_recipients', 'consent_recipients.consent_id', 'consents.id')
    .select(['consents.id', 'consents.decision', 'consents.expires_at', 'consents.withdrawn_at', 'consents.categories_mask', 'consents.recorded_at', 'consent_recipients.recipient'])
    .where('consents.person_id', '=', personId).where('consents.purpose_id', '=', input.purposeId);
  if (!past) query = query.where('consents.superseded_by', 'is', null);
  const versions = versionFacts(await query.orderBy('consents.id').execute());
  // Versions of one person and purpose supersede one another in turn, each taking effect no earlier than the last.
  const inForce = past ? versions.filter((v) => v.from <= at).sort((a, b) => a.from.localeCompare(b.from)).slice(-1) : versions;
  return {
    purpose: { id: purpose.id, status: purpose.status, nextReviewOn: purpose.next_review_on },
    recipient: recipientKey(input.recipient), mask: classMask(input.dataCategories as Classification[]), at,
    current: inForce.map(({ from: _from, ...fact }) => fact),
  };
}

/**
 * "May this person's information in these categories go to this recipient for this purpose?" (1.3, 4.1, 4.2, 3.1),
 * decided by the policy with the consent relation. Answers the decision with its rule and clause, and the consent
 * version that decided (null when none covers). A "no" because no consent covers it, or because the purpose is not in
 * force, is an answer (200); a role or need-to-know refusal is a 403. Every check is audited.
 */
export async function checkConsent(ctx: Ctx, personId: string, input: CheckInput, path: 'body' | 'query') {
  const person = await findVisible(ctx, 'person', personId, 'consent.check');
  const consent = await loadConsentFacts(ctx, personId, input, path);
  const d = decide(ctx.actor, 'consent.check', { ...person.facts, classification: 'general', consent });
  const covering = d.allowed ? coveringConsent(consent) : null;
  ctx.audit.add(fromDecision('consent.check', d, {
    resourceType: 'person', resourceId: personId, subjectPersonId: person.subjectPersonId,
    detail: { purposeId: consent.purpose!.id, recipient: consent.recipient, dataCategories: [...input.dataCategories].sort(), at: consent.at, consentId: covering?.id ?? null },
  }));
  if (!d.allowed && !ANSWERS_NO.has(d.ruleId)) throw forbidden(d);
  return {
    allowed: d.allowed, ruleId: d.ruleId, clause: d.clause, reason: d.reason, consentId: covering?.id ?? null,
    personId, purposeId: consent.purpose!.id, recipient: consent.recipient, dataCategories: input.dataCategories, at: consent.at,
  };
}
