import { route } from '../http/route';
import { reviewView } from './overview';
import { listPolicyReviews, recordPolicyReview } from './policy-reviews';
import { listPolicyReviewsQuery, recordPolicyReviewBody, reviewViewQuery } from './schema';

const tags = ['review'];

/**
 * The management review ("Monitoring and Review", 3.6): the Senior Management Team's view of what needs attention
 * across the policy, and the record of their reviews of the policy itself. Managers only.
 */
export const reviewRoutes = [
  route({
    method: 'GET', url: '/api/review', action: 'review.read', tags, query: reviewViewQuery,
    summary: 'The management review (managers): the policy review date, purposes due, open cases not held for a purpose in force, consents expiring, break-glass uses awaiting review, open concerns by age, open breaches and their 72-hour deadlines, users who have not accepted the policy, disclosures by basis per month, sharing agreements ending or due for review — counts, chart series and item ids',
    handler: (ctx, { query }) => reviewView(ctx, query),
  }),
  route({
    method: 'GET', url: '/api/review/policy-reviews', action: 'review.read', tags, query: listPolicyReviewsQuery,
    summary: 'The history of the policy\'s reviews, newest first, with when the next is due and whether it is overdue (managers)',
    handler: (ctx, { query }) => listPolicyReviews(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/review/policy-reviews', action: 'review.record', tags, body: recordPolicyReviewBody, status: 201,
    summary: 'Record a review of the policy by the Senior Management Team: outcome, notes and the next review date (managers)',
    handler: async (ctx, { body, reply }) => {
      const review = await recordPolicyReview(ctx, body);
      reply.header('location', `/api/review/policy-reviews/${review.id}`);
      return review;
    },
  }),
];
