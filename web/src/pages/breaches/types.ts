// The breach register's response shapes (src/breaches/queries.ts, flag-commands.ts) and its words.

import type { Alerted } from '../../api/models';

/** Where a breach's ICO clock stands (src/breaches/assessment.ts icoClock). */
export interface IcoClock {
  awareAt: string;
  deadlineAt: string;
  state: 'running' | 'overdue' | 'reported' | 'reported-late' | 'not-required';
  minutesLeft: number | null;
}
export type BreachStatus = 'reported' | 'assessing' | 'contained' | 'closed';
/** A breach report: what the reporter may read back. */
export interface BreachReport {
  id: string;
  status: BreachStatus;
  source: 'report' | 'break-glass' | 'flag';
  reportedBy: string;
  reportedAt: string;
  report?: string;
  reportedOccurredAt: string | null;
}
/** The handling, for management and the guardian. */
export interface BreachHandling {
  whatHappened: string | null;
  occurredAt: string | null;
  awareAt: string;
  dataCategories: string[];
  peopleAffected: number | null;
  affectedPeople: { linked: number; people: { id: string; name: string }[]; restricted: number };
  risk: { likelihood: string | null; severity: string | null; level: 'none' | 'risk' | 'high' | null; notes: string | null };
  containment: string | null;
  ico: { decision: 'report' | 'not_required' | null; reason: string | null; reportedAt: string | null; reference: string | null };
  peopleTold: { decision: 'tell' | 'not_required' | null; ground: string | null; reason: string | null; toldAt: string | null };
  disciplinaryReference: string | null;
  grantId: string | null;
  flagId: string | null;
  closedAt: string | null;
  closedBy: string | null;
  closingNote: string | null;
  escalations: { stage: string; at: string; notified: boolean }[];
}
export interface BreachView {
  data: BreachReport;
  version: number;
  can: { review: boolean; handle: boolean };
  clock?: IcoClock;
  handling?: BreachHandling;
  /** On reporting: who was told at once. */
  alerted?: Alerted;
}
export interface BreachItem extends BreachReport {
  clock?: IcoClock;
}
export interface ReviewFlag {
  id: string;
  kind: 'break-glass-unreviewed' | 'read-volume' | 'people-export' | 'repeated-denials';
  userId: string;
  /** The display name of the user it is about (in a list: whoever decides it must know whose activity it was). */
  userName?: string | null;
  windowStart: string;
  windowEnd: string | null;
  count: number;
  grantId: string | null;
  raisedAt: string;
  status: 'open' | 'dismissed' | 'breach';
  dismissReason: string | null;
  breachId: string | null;
  /**
   * In a list: whether the reader may decide it (never a flag about their own activity; the guardian only those no
   * manager is free to decide).
   */
  can?: { decide: boolean };
}

export const STATUS_LABELS: Record<BreachStatus, string> = {
  reported: 'Reported — waiting for a manager',
  assessing: 'Being assessed',
  contained: 'Contained',
  closed: 'Closed',
};
export const SOURCE_LABELS: Record<BreachReport['source'], string> = {
  report: 'Reported by a colleague',
  'break-glass': 'From a break-glass review',
  flag: 'From a review flag',
};
export const DATA_CATEGORIES = [
  { id: 'contact', label: 'Contact details' },
  { id: 'identity', label: 'Identity (names, dates of birth)' },
  { id: 'health', label: 'Health' },
  { id: 'ethnicity', label: 'Ethnicity' },
  { id: 'safeguarding', label: 'Safeguarding' },
  { id: 'session', label: 'Session notes' },
  { id: 'case', label: 'Case records' },
  { id: 'financial', label: 'Financial' },
  { id: 'commercial', label: 'Commercial' },
  { id: 'credentials', label: 'Passwords or access' },
  { id: 'other', label: 'Other' },
] as const;
export const LIKELIHOODS = [
  { id: 'remote', label: 'Remote' },
  { id: 'possible', label: 'Possible' },
  { id: 'likely', label: 'Likely' },
] as const;
export const SEVERITIES = [
  { id: 'minimal', label: 'Minimal' },
  { id: 'significant', label: 'Significant' },
  { id: 'severe', label: 'Severe' },
] as const;
export const RISK_WORDS: Record<string, string> = {
  none: 'Unlikely to result in a risk to people — no ICO report needed',
  risk: 'A risk to people — report to the ICO (Art 33)',
  high: 'A high risk to people — report to the ICO and tell the people affected (Art 34)',
};
export const NOT_TOLD_GROUNDS = [
  { id: 'not_high_risk', label: 'Not likely to result in a high risk' },
  { id: 'unintelligible', label: 'The data were unintelligible to others (e.g. encrypted)' },
  { id: 'risk_removed', label: 'Measures taken since mean the high risk will not materialise' },
  { id: 'public_communication', label: 'Telling each would take disproportionate effort: a public communication instead' },
] as const;
export const FLAG_WORDS: Record<ReviewFlag['kind'], string> = {
  'break-glass-unreviewed': 'A break-glass use waited too long for its review',
  'read-volume': 'Unusual number of record reads',
  'people-export': 'An export of people’s details',
  'repeated-denials': 'Repeated refusals',
};

