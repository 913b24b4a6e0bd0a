import { fromDecision } from '../audit/append';
import type { Ctx } from '../context';
import { CLOCK_SKEW_MS } from '../lib/clock';
import { forbidden, invalidInput } from '../lib/errors';
import { coveringConsent, type ConsentFacts } from '../policy/consent-relation';
import { decide } from '../policy/decide';
import { classMask, type Classification } from '../policy/types';
import { findVisible } from '../records/guard';
import { recipientKey } from './recipients';
import type { CheckInput } from './schema';

/** Decisions of consent.check that answer the question "no" (200) rather than refusing to answer it (403). */
const ANSWERS_NO = new Set(['consent/none-covers', 'purposes/not-in-force']);

/**
 * The facts the consent relation decides from, loaded in one go before deciding (rules do no I/O): the purpose's
 * state and the person's current versions for it with their recipient keys.
 */
export async function loadConsentFacts(ctx: Ctx, personId: string, input: CheckInput, path: string): Promise<ConsentFacts> {
  const at = input.at ? new Date(input.at).toISOString() : ctx.nowIso;
  // The check reads the person's current versions: it answers for now or a later time (an expiry), never for a time
  // before — a consent recorded today would otherwise "cover" a year before it existed (1.3). What was in force
  // earlier is in the consent's versions and receipts.
  if (Date.parse(at) < ctx.now.getTime() - CLOCK_SKEW_MS) {
    throw invalidInput('The consent check answers for now or a later time; what was in force before is in the consent\'s versions and receipts.', [{ path: `${path}.at`, message: 'must not be in the past' }]);
  }
  const purpose = await ctx.db.selectFrom('purposes').select(['id', 'status', 'next_review_on']).where('id', '=', input.purposeId).executeTakeFirst();
  if (!purpose) throw invalidInput('No purpose with that id in the register.', [{ path: `${path}.purposeId`, message: 'no such purpose' }]);
  const rows = await ctx.db.selectFrom('consents').leftJoin('consent_recipients', 'consent_recipients.consent_id', 'consents.id')
    .select(['consents.id', 'consents.decision', 'consents.expires_at', 'consents.withdrawn_at', 'consents.categories_mask', 'consent_recipients.recipient'])
    .where('consents.person_id', '=', personId).where('consents.purpose_id', '=', input.purposeId).where('consents.superseded_by', 'is', null)
    .execute();
  const byId = new Map<string, { id: string; decision: string; expiresAt: string | null; withdrawnAt: string | null; mask: number; recipients: string[] }>();
  for (const r of rows) {
    let c = byId.get(r.id);
    if (!c) byId.set(r.id, (c = { id: r.id, decision: r.decision, expiresAt: r.expires_at, withdrawnAt: r.withdrawn_at, mask: Number(r.categories_mask), recipients: [] }));
    if (r.recipient) c.recipients.push(r.recipient);
  }
  return {
    purpose: { id: purpose.id, status: purpose.status, nextReviewOn: purpose.next_review_on },
    recipient: recipientKey(input.recipient), mask: classMask(input.dataCategories as Classification[]), at, current: [...byId.values()],
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
