// Safeguarding referrals as the API sends them (src/safeguarding/referral-present.ts, referral-queries.ts).

/** The decision aid's answers a referral recorded (its reasons, practice 4.3); null: left for later (urgent only). */
export interface ReferralAnswers {
  to: 'local_authority' | 'police';
  urgent?: boolean;
  riskOfHarm?: boolean;
  riskOfHarmReason?: string;
  consentPossibleAndSafe?: boolean | null;
  consentNote?: string | null;
  informationShared?: string;
  sharedWith?: string;
  sharedHow?: string;
  personTold?: boolean | null;
  notToldReason?: string;
  agreedWith?: string[] | null;
  reference?: string;
}

/** A referral: where it went, what is left to complete and by when, its disclosure, and what the reader may do next. */
export interface Referral {
  id: string;
  concernId: string;
  entryId: string;
  to: 'local_authority' | 'police';
  urgent: boolean;
  releasedAtOnce: boolean;
  referredBy: string;
  referredAt: string;
  answers?: ReferralAnswers;
  missing: string[];
  awaitingDecision: boolean;
  completeBy: string | null;
  completedAt: string | null;
  overdueFlaggedAt: string | null;
  review: { by: string | null; at: string; outcome: 'upheld' | 'concerns' | null; note: string | null } | null;
  disclosure: { id: string; reference: string; status: string; releasedAt: string | null } | null;
  can: { approve: boolean; review: boolean; complete: boolean };
  /** In lists only: past its deadline and still incomplete. */
  overdue?: boolean;
}

/** A page of GET /api/referrals. */
export interface ReferralPage {
  items: Referral[];
  nextCursor: string | null;
}
