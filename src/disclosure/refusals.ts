import { fromDecision, type AuditEntry } from '../audit/append';
import type { Ctx } from '../context';
import type { PurposeRow } from '../db/schema';
import { DomainError, type FieldError } from '../lib/errors';
import type { Decision } from '../policy/types';
import type { DisclosureFacts } from '../policy/types';
import { categoriesReaching, listsNamedPartner, notANamedPartner, purposeReaches } from '../purposes/reaches';
import { basisEntry, CRIME_NEEDS_POLICE, type BasisOutcome } from './basis';
import type { ResolvedItems } from './items';

/**
 * One reason a disclosure request is refused: the rule and clause that decided, its sentence, the fields or items at
 * fault (each its own entry, with its path) and the audit entry of the denial. A request that fails for several
 * reasons is refused with all of them at once (see {@link refuseAll}), so the worker can mend it in one go instead of
 * meeting one refusal after another.
 */
export interface Refusal {
  ruleId: string;
  clause: string;
  reason: string;
  errors: FieldError[];
  entry: AuditEntry;
}

type Target = { resourceType: string; resourceId: string; subjectPersonId: string | null };

/**
 * A hard rule's refusal (practice 2 session details, 2.2, 3.2). For session details it names each session item
 * chosen and the client's request still to record (at `requestPath`: a safeguarding referral sends it under `share`).
 */
export function hardRuleRefusal(d: Decision, facts: DisclosureFacts, resolved: ResolvedItems, target: Target, requestPath = 'body.clientRequest.detail'): Refusal {
  const session = d.ruleId === 'disclosure/session-only-at-client-request';
  const errors: FieldError[] = session
    ? [
      ...(resolved.byItem ?? []).filter((i) => i.classes.includes('session')).map((i) => ({ path: i.path, message: 'session details: they go to no third party unless the client asked for it (practice 2)' })),
      { path: requestPath, message: 'record how and when the client asked for their session details to go' },
    ]
    : [{ path: 'body.items', message: d.reason }];
  const entry = fromDecision('disclosure.request', d, {
    ...target, detail: { categories: resolved.categories, people: facts.people, sessionItems: facts.sessionItems, clientRequested: facts.clientRequested, organisationItems: facts.organisationItems },
  });
  return { ruleId: d.ruleId, clause: d.clause, reason: d.reason, errors, entry };
}

/**
 * 3.1 (every transfer clearly defined; Caldicott 3, minimum necessary): the chosen items whose categories the
 * purpose does not use, each named; null when every item is within the purpose.
 */
export function outsidePurposeRefusal(ctx: Ctx, resolved: ResolvedItems, purpose: PurposeRow, target: Target): Refusal | null {
  const uses = new Set(JSON.parse(purpose.data_categories) as string[]);
  const outside = (resolved.byItem ?? []).map((i) => ({ path: i.path, beyond: i.classes.filter((c) => !uses.has(c)) })).filter((i) => i.beyond.length > 0);
  if (!outside.length) return null;
  const ruleId = 'disclosure/within-purpose';
  const clause = ctx.actor.policy.clauseFor('justify-purpose');
  const reason = `Some of the information chosen is outside what the purpose uses (${[...uses].join(', ')}): leave it out, or choose a purpose that covers it.`;
  return {
    ruleId, clause, reason,
    errors: outside.map((i) => ({ path: i.path, message: `${i.beyond.join(' and ')} information, which this purpose does not use` })),
    entry: { action: 'disclosure.request', decision: 'deny', ruleId, clause, ...target, detail: { purposeId: purpose.id, outside: outside.map((i) => i.path) } },
  };
}

/** The rule a disclosure to a recipient its purpose does not name is refused by (3.1; Caldicott 1). */
export const RECIPIENT_OUTSIDE_PURPOSE = 'disclosure/recipient-within-purpose';

/**
 * 3.1 (every transfer clearly defined): the recipient is not among those the purpose names — its recipient
 * categories list neither the organisation's kind nor "named partner organisation" where that reaches the kind (a
 * partner agency, a local authority, the police, another organisation; never a funder or a business:
 * src/purposes/reaches.ts). Null
 * when the purpose reaches it. Whatever the basis: consent, an agreement or an exception does not make a purpose
 * whose information stays with the service cover a transfer out of it.
 */
export function recipientOutsidePurposeRefusal(
  ctx: Ctx, purpose: PurposeRow, recipient: { id: string; kind: string }, target: Target,
  at: { action: 'disclosure.request' | 'disclosure.release'; path: string } = { action: 'disclosure.request', path: 'body.purposeId' },
): Refusal | null {
  if (purposeReaches(purpose, recipient.kind)) return null;
  const ruleId = RECIPIENT_OUTSIDE_PURPOSE;
  const clause = ctx.actor.policy.clauseFor('justify-purpose');
  const listed = (JSON.parse(purpose.recipient_categories) as string[]).join('; ');
  const reaching = categoriesReaching(recipient.kind);
  // A funder or a business under a purpose listing "named partner organisation", which never reaches them: say so.
  const notNamed = listsNamedPartner(purpose) ? notANamedPartner(recipient.kind) : null;
  const todo = reaching.length
    ? `Choose a purpose whose recipients include ${reaching.map((c) => `“${c}”`).join(' or ')}.`
    : 'No recipient category reaches an organisation of this kind: correct its kind in the organisations register.';
  const consentToo = notNamed
    ? ` On consent, the person's consent must name this ${recipient.kind} under that purpose: agreeing to a named partner organisation is not agreeing to a ${recipient.kind}.`
    : '';
  const reason = `The purpose does not name this recipient among those who may receive its information (${listed}): ${notNamed ? `${notNamed}. ${todo}` : todo.charAt(0).toLowerCase() + todo.slice(1)}${consentToo}`;
  return {
    ruleId, clause, reason,
    errors: [{ path: at.path, message: `its recipients (${listed}) do not include ${recipient.kind === 'other' ? 'this organisation: only “named partner organisation” reaches an organisation of kind “other”' : `a ${recipient.kind.replace(/_/g, ' ')}${notNamed ? ` (“named partner organisation” does not reach a ${recipient.kind}; it must list “${reaching[0]}”)` : ''}`}` }],
    entry: { action: at.action, decision: 'deny', ruleId, clause, ...target, detail: { purposeId: purpose.id, recipientOrganisationId: recipient.id, recipientKind: recipient.kind } },
  };
}

/** 1.3: the crime exception asked for a recipient that is not the police ({@link CRIME_NEEDS_POLICE}). */
export function crimeRecipientRefusal(ctx: Ctx, recipient: { id: string; kind: string }, target: Target): Refusal {
  const { ruleId, reason } = CRIME_NEEDS_POLICE;
  const clause = ctx.actor.policy.clauseFor('disclosure-exception');
  return {
    ruleId, clause, reason,
    errors: [{ path: 'body.recipient.organisationId', message: `a ${recipient.kind.replace(/_/g, ' ')}, not the police: the crime exception is for the police only` }],
    entry: { action: 'disclosure.request', decision: 'deny', ruleId, clause, ...target, detail: { basis: 'exception', ground: 'crime', recipientOrganisationId: recipient.id, recipientKind: recipient.kind } },
  };
}

/** No basis holds (1.3): the basis's own reason (consent missing, withdrawn, not listing this recipient …). */
export function basisRefusal(outcome: BasisOutcome, target: Target): Refusal {
  return { ruleId: outcome.ruleId, clause: outcome.clause, reason: outcome.reason, errors: [{ path: 'body.personIds.0', message: outcome.reason }], entry: basisEntry('disclosure.request', outcome, target) };
}

/**
 * Refuses a request for every reason found: each denial audited with its own rule and clause, and one 403 whose
 * sentence says them all, whose `rule` and `clause` are the first's, and whose `errors` hold every field or item at
 * fault. Nothing is written.
 */
export function refuseAll(ctx: Ctx, refusals: readonly Refusal[]): never {
  for (const r of refusals) ctx.audit.add(r.entry);
  const [first] = refusals;
  const detail = refusals.length === 1 ? first.reason : `This request is refused for ${refusals.length} reasons. ${refusals.map((r, i) => `(${i + 1}) ${r.reason}`).join(' ')}`;
  throw new DomainError('forbidden', detail, { rule: first.ruleId, clause: first.clause, errors: refusals.flatMap((r) => r.errors) });
}
