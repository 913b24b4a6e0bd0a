// The management review's response shapes (src/review/overview.ts, src/review/policy-reviews.ts,
// src/equality/report.ts) and the review area's own navigation ("Monitoring and Review", 3.6).
import { Link } from '../../components/ui';
import { useLocation } from '../../router';
import { hasRole, useSession } from '../../session';

/** One bar of a chart: a label and its count. */
export interface Point { label: string; value: number }

interface Section<I> { title: string; count: number; series: Point[]; items: I[] }

/** A review of the policy as the API presents it. */
export interface PolicyReview {
  id: string;
  policyDocumentId: string | null;
  policyVersion: number | null;
  reviewedBy: { id: string; name: string | null };
  reviewedAt: string;
  outcome: 'no_change' | 'changes_needed' | 'revised';
  notes: string;
  nextReviewOn: string;
}

/** When the policy is next due for review, and whether that date has passed. */
export interface PolicyReviewStatus {
  policy: { id: string; version: number; title: string; loadedAt: string } | null;
  lastReview: PolicyReview | null;
  nextReviewOn: string | null;
  state: 'no-policy' | 'overdue' | 'scheduled';
  daysOverdue: number;
}

/** GET /api/review. */
export interface ReviewView {
  asOf: string;
  withinDays: number;
  policyReview: PolicyReviewStatus;
  sections: {
    purposesDue: Section<{ id: string; label: string; nextReviewOn: string; overdue: boolean }>;
    casesWithoutPurpose: Section<{ id: string; personId: string; purposeId: string | null; label: string; openedOn: string; reason: 'none' | 'retired' | 'review_due' | 'draft' }>;
    consentsExpiring: Section<{ id: string; personId: string; purposeId: string; label: string; expiresAt: string }>;
    consentsToAskAgain: Section<{ id: string; personId: string; purposeId: string; label: string; recordedAt: string; reason: 'now-of-age' | 'child-without-assessment' }>;
    breakGlassAwaitingReview: Section<{ id: string; label: string; userId: string; resourceType: string; resourceId: string; openedAt: string; ageDays: number }>;
    openConcerns: Section<{ id: string; label: string; status: string; raisedAt: string; ageDays: number; immediateRisk: boolean; escalationLevel: number }>;
    openBreaches: Section<{ id: string; label: string; status: string; reportedAt: string; icoDeadlineAt: string; clock: { state: string; minutesLeft: number | null } }>;
    policyNotAccepted: Section<{ id: string; label: string; username: string }> & { policyVersion: number | null };
    disclosuresByBasis: Omit<Section<{ id: string; label: string; basis: string; releasedAt: string }>, 'series'> & {
      labels: string[];
      series: Array<{ label: string; data: number[] }>;
      totals: Point[];
    };
    agreementsToReview: Section<{ id: string; label: string; endsOn: string; reviewOn: string; reviewOverdue: boolean }>;
  };
}

/** A published equality figure: a rounded number, or hidden ("<5", "suppressed") with the reason. */
export interface Figure { value: number | null; display: string; suppressed: null | 'small' | 'complementary' | 'total' }

/** GET /api/equality/report. */
export interface EqualityReport {
  characteristic: string;
  title: string;
  period: string;
  quarters: string[];
  by: 'none' | 'service' | 'quarter';
  method: { threshold: number; roundingBase: number; description: string };
  labels: string[];
  rows: Array<{ category: string; cells: Figure[]; total: Figure }>;
  columnTotals: Figure[];
  total: Figure;
}

export const OUTCOMES = [
  { id: 'no_change', label: 'No change needed', description: 'The policy works as written.' },
  { id: 'changes_needed', label: 'Changes needed', description: 'Actions follow; say which in the notes.' },
  { id: 'revised', label: 'Revised', description: 'A new version of the policy is being loaded.' },
] as const;
export const outcomeLabel = (id: string) => OUTCOMES.find((o) => o.id === id)?.label ?? id;

/** "2026-03" as "Mar 2026". */
export const monthLabel = (ym: string) => new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${ym}-01T00:00:00Z`));

/** A code ("gay_or_lesbian", "prefer_not_to_say") as words. */
export const words = (code: string) => {
  const s = code.replace(/_plus$/, ' and over').replace(/^(\d+)_(\d+)$/, '$1 to $2').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
};

/** The review area's own navigation, for managers (anyone else is refused each page by the API, and sees only that). */
export function ReviewNav() {
  const { me } = useSession();
  const { pathname } = useLocation();
  if (!hasRole(me, 'manager')) return null;
  const items = [
    { href: '/review', label: 'What needs attention' },
    { href: '/review/policy', label: 'Policy reviews' },
    { href: '/review/equality', label: 'Equality monitoring' },
  ];
  return (
    <nav aria-label="Management review" className="subnav">
      <ul>
        {items.map((i) => (
          <li key={i.href}><Link href={i.href} aria-current={pathname === i.href ? 'page' : undefined}>{i.label}</Link></li>
        ))}
      </ul>
    </nav>
  );
}
