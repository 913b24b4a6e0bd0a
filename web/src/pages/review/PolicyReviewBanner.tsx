import { ButtonLink, formatDate } from '../../components/ui';
import { outcomeLabel, type PolicyReviewStatus } from './shared';

/**
 * When the policy is next due for review (3.6: "This policy will be reviewed regularly"). Overdue is shown first and
 * loudly, with the way to record the review; otherwise when it is due and how the last one ended.
 */
export function PolicyReviewBanner({ status, action = true }: { status: PolicyReviewStatus; action?: boolean }) {
  const last = status.lastReview;
  const lastLine = last ? `Last reviewed ${formatDate(last.reviewedAt)} by ${last.reviewedBy.name ?? 'a manager'}: ${outcomeLabel(last.outcome).toLowerCase()}.` : 'The policy has not been reviewed in Confide yet.';
  if (status.state === 'overdue') {
    return (
      <div className="alert warning review-overdue" role="region" aria-labelledby="policy-review-state">
        <p className="alert-title" id="policy-review-state">The policy’s review is overdue by {status.daysOverdue} {status.daysOverdue === 1 ? 'day' : 'days'}</p>
        <p>It was due on {formatDate(status.nextReviewOn)}. {lastLine}</p>
        {action ? <ButtonLink href="/review/policy" variant="primary">Record the policy review</ButtonLink> : null}
      </div>
    );
  }
  return (
    <div className="alert info" role="region" aria-labelledby="policy-review-state">
      <p className="alert-title" id="policy-review-state">{status.state === 'no-policy' ? 'No policy is loaded yet' : `The policy is next due for review on ${formatDate(status.nextReviewOn)}`}</p>
      <p>{status.policy ? `${status.policy.title}, version ${status.policy.version}. ` : ''}{lastLine}</p>
      {action ? <ButtonLink href="/review/policy">Policy reviews</ButtonLink> : null}
    </div>
  );
}
