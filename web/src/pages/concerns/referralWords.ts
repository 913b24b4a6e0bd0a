import type { Referral } from '../../api/referrals';

// Words the referral pages share (practice 4.1–4.3).

export const RECIPIENTS: Record<string, string> = { local_authority: 'the local authority’s safeguarding team', police: 'the police' };

/** The decision-aid answers an urgent referral may leave for later, in words. */
export const MISSING_WORDS: Record<string, string> = {
  consentPossibleAndSafe: 'whether consent could be sought', consentNote: 'what the person said, or why they were not asked', personTold: 'whether the person will be told',
  managerAgreement: 'a manager’s agreement (practice 4.2)',
};

/** "Priya (DSL), duty social worker" or one per line → a list of names. */
export const splitNames = (s: string) => s.split(/[\n,;]+/).map((x) => x.trim()).filter(Boolean);

/** Where a referral is up to, in one sentence. */
export function referralState(r: Referral): string {
  const to = RECIPIENTS[r.to] ?? r.to;
  const d = r.disclosure;
  if (d?.status === 'released') return r.releasedAtOnce ? `Released at once to ${to}.` : `Approved and released to ${to}.`;
  if (d?.status === 'awaiting_approval') return `Referral to ${to} waiting for a manager’s approval.`;
  if (d?.status === 'refused') return `Referral to ${to}: a manager refused to share from the records.`;
  if (!d && r.missing.includes('managerAgreement')) return `Referral to ${to} recorded, waiting for a manager’s agreement.`;
  return `Referral to ${to} recorded.`;
}

/** What keeps a referral's record incomplete, in words (practice 4.3). */
export function stillToDo(r: Referral): string[] {
  const out = r.missing.map((m) => MISSING_WORDS[m] ?? m);
  if (r.awaitingDecision && !r.missing.includes('managerAgreement')) out.push('a manager’s decision');
  if (r.releasedAtOnce && !r.review) out.push('a second manager’s review');
  return out;
}

const relative = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
/** "in 20 hours", "3 hours ago": how long until, or since, a deadline. */
export function fromNow(iso: string, now = Date.now()): string {
  const minutes = Math.round((new Date(iso).getTime() - now) / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}
