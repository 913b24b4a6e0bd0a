import type { BreachRow } from '../db/schema';
import { CLOCK_SKEW_MS, isInFuture } from '../lib/clock';
import type { FieldError } from '../lib/errors';

/** The ICO must be told within 72 hours of the organisation becoming aware of a breach (UK GDPR Art 33(1)). */
export const ICO_HOURS = 72;
const HOUR = 3_600_000;

/** The deadline for telling the ICO: awareness + 72 hours. */
export const icoDeadline = (awareAt: string) => new Date(new Date(awareAt).getTime() + ICO_HOURS * HOUR).toISOString();

/**
 * The risk to the rights and freedoms of the people affected, from how likely harm is and how severe it would be
 * (the ICO's guidance: consider both). 'none': the breach is unlikely to result in a risk (no report to the ICO);
 * 'risk': report to the ICO (Art 33); 'high': tell the people affected too (Art 34). Null until both are assessed.
 */
export function riskLevel(likelihood: string | null, severity: string | null): 'none' | 'risk' | 'high' | null {
  if (!likelihood || !severity) return null;
  const l = ['remote', 'possible', 'likely'].indexOf(likelihood);
  const s = ['minimal', 'significant', 'severe'].indexOf(severity);
  const score = l + s; // 0..4
  if (s === 0 && l < 2) return 'none';
  return score >= 3 ? 'high' : 'risk';
}

/** Where a breach's ICO clock stands. */
export interface IcoClock {
  awareAt: string;
  deadlineAt: string;
  /**
   * running: no decision yet, or a report decided but not made; overdue: running past the deadline; reported: the
   * ICO was told (late when after the deadline); not-required: management decided the ICO need not be told.
   */
  state: 'running' | 'overdue' | 'reported' | 'reported-late' | 'not-required';
  /** Minutes left until the deadline (negative once passed) while the clock runs; null once it has stopped. */
  minutesLeft: number | null;
}

/** True while the ICO clock runs: not closed, the ICO not told, and no decision that it need not be. */
export const clockRuns = (r: Pick<BreachRow, 'status' | 'ico_decision' | 'ico_reported_at'>) =>
  r.status !== 'closed' && !r.ico_reported_at && r.ico_decision !== 'not_required';

/** The ICO clock of a breach at `now` (the injected clock). */
export function icoClock(r: Pick<BreachRow, 'status' | 'aware_at' | 'ico_deadline_at' | 'ico_decision' | 'ico_reported_at'>, now: Date): IcoClock {
  const base = { awareAt: r.aware_at, deadlineAt: r.ico_deadline_at };
  if (r.ico_reported_at) return { ...base, state: r.ico_reported_at > r.ico_deadline_at ? 'reported-late' : 'reported', minutesLeft: null };
  if (r.ico_decision === 'not_required') return { ...base, state: 'not-required', minutesLeft: null };
  const left = Math.floor((new Date(r.ico_deadline_at).getTime() - now.getTime()) / 60_000);
  if (r.status === 'closed') return { ...base, state: 'not-required', minutesLeft: null };
  return { ...base, state: left <= 0 ? 'overdue' : 'running', minutesLeft: left };
}

/**
 * Whether a breach's handling holds together, checked on the record as it will be after a change (so a change of
 * one field is checked against the others). Each problem names the field to fix. `changed` are the fields the
 * request named: a problem is reported on one of them where it can be.
 */
export function handlingProblems(r: BreachRow, now: Date, changed: ReadonlySet<string>): FieldError[] {
  const out: FieldError[] = [];
  const problem = (field: string, message: string, alternatives: string[] = []) => {
    const path = `body.${[field, ...alternatives].find((f) => changed.has(f)) ?? field}`;
    if (!out.some((e) => e.path === path)) out.push({ path, message }); // the first problem of a field is the one to fix
  };
  if (isInFuture(r.aware_at, now)) problem('awareAt', 'must not be in the future');
  // Art 33(1): the organisation is aware no later than when the breach was reported to it; the 72 hours never start later.
  if (r.aware_at > r.reported_at) problem('awareAt', 'cannot be later than when the breach was reported');
  if (r.occurred_at && isInFuture(r.occurred_at, now)) problem('occurredAt', 'must not be in the future');
  // Nobody can know of a breach before it happened: awareness (and the 72 hours) starts no earlier than when management
  // established it occurred — a few minutes of clock skew between devices aside. The reporter's own time is rough
  // ("if you know") and binds nothing. The field the request changed is the one named.
  if (r.occurred_at && new Date(r.occurred_at).getTime() > new Date(r.aware_at).getTime() + CLOCK_SKEW_MS) {
    if (changed.has('awareAt') || !changed.has('occurredAt')) problem('awareAt', 'cannot be before the breach occurred');
    else problem('occurredAt', 'cannot be after the organisation became aware');
  }
  for (const [field, value] of [['icoReportedAt', r.ico_reported_at], ['peopleToldAt', r.people_told_at]] as const) {
    if (value && isInFuture(value, now)) problem(field, 'must not be in the future');
    if (value && value < r.aware_at) problem(field, 'cannot be before the organisation became aware');
  }
  // Art 33(1): report unless the breach is unlikely to result in a risk; say why when not reporting.
  if (r.ico_decision === 'not_required') {
    if (r.risk_level === 'risk' || r.risk_level === 'high') problem('icoDecision', 'a breach assessed as a risk must be reported to the ICO (Art 33)', ['likelihood', 'severity']);
    if (!r.ico_reason) problem('icoReason', 'say why the ICO need not be told', ['icoDecision']);
    if (r.ico_reported_at || r.ico_reference) problem('icoReportedAt', 'only when the ICO is told', ['icoReference', 'icoDecision']);
  }
  if ((r.ico_reported_at || r.ico_reference) && r.ico_decision !== 'report') problem('icoDecision', 'record the decision to report to the ICO first', ['icoReportedAt', 'icoReference']);
  if (r.ico_reference && !r.ico_reported_at) problem('icoReportedAt', 'say when the ICO was told', ['icoReference']);
  // Art 33(1): a report made after 72 hours is accompanied by the reasons for the delay.
  if (r.ico_reported_at && r.ico_reported_at > r.ico_deadline_at && !r.ico_reason) problem('icoReason', 'give the reasons for reporting after 72 hours (Art 33(1))', ['icoReportedAt']);
  // Art 34: tell the people affected of a high risk, unless an exception of Art 34(3) applies.
  if (r.people_told_decision === 'not_required') {
    if (!r.people_not_told_ground) problem('peopleNotToldGround', 'say on which ground they are not told', ['peopleToldDecision']);
    if (r.risk_level === 'high' && r.people_not_told_ground === 'not_high_risk') problem('peopleNotToldGround', 'the breach is assessed as a high risk: only an exception of Art 34(3) applies', ['likelihood', 'severity']);
    if (!r.people_told_reason) problem('peopleToldReason', 'say why the people affected are not told', ['peopleToldDecision']);
    if (r.people_told_at) problem('peopleToldAt', 'only when they are told', ['peopleToldDecision']);
  } else if (r.people_not_told_ground) {
    problem('peopleNotToldGround', 'only when the people affected are not told', ['peopleToldDecision']);
  }
  if (r.people_told_at && r.people_told_decision !== 'tell') problem('peopleToldDecision', 'record the decision to tell them first', ['peopleToldAt']);
  return out;
}

/** What must be recorded before a breach is closed: the ICO decision (and report), and the people-told decision. */
export function closingProblems(r: BreachRow): FieldError[] {
  const out: FieldError[] = [];
  if (r.status !== 'contained') out.push({ path: 'params.id', message: `a breach is closed once contained; it is ${r.status}` });
  if (!r.ico_decision) out.push({ path: 'icoDecision', message: 'record whether the ICO must be told' });
  else if (r.ico_decision === 'report' && !r.ico_reported_at) out.push({ path: 'icoReportedAt', message: 'record when the ICO was told, and its reference' });
  if (!r.people_told_decision) out.push({ path: 'peopleToldDecision', message: 'record whether the people affected must be told' });
  else if (r.people_told_decision === 'tell' && !r.people_told_at) out.push({ path: 'peopleToldAt', message: 'record when the people affected were told' });
  return out;
}
