import { z } from 'zod';
import type { Ctx } from '../context';
import { SELF_RULE } from '../policy/rules/accounts';
import { decodeCursor, encodeCursor, pageQuery } from '../records/paging';
import { notFoundAudited } from '../audit/not-found';

/** GET /api/notifications. */
export const listNotificationsQuery = z.strictObject({ ...pageQuery, unread: z.enum(['true', 'false']).default('false') });

/**
 * The actor's own notifications, newest first, paged by (created_at, id). Nobody can list another user's. A
 * notification that was also e-mailed says how its e-mail is doing (`email`: pending, sent or failed; null when it
 * was not e-mailed), so without a mail server (SMTP_URL unset) waiting e-mail shows in the app. An alert that
 * someone already acted on (src/notify/settle.ts) says who and when (`settled`: { at, byName }; null while it still
 * needs someone), and `unread=true` leaves it out: it is not waiting on this reader any more.
 */
export async function listNotifications(ctx: Ctx, query: z.infer<typeof listNotificationsQuery>) {
  let q = ctx.db
    .selectFrom('notifications as n')
    .leftJoin('email_outbox as o', 'o.notification_id', 'n.id')
    .leftJoin('users as s', 's.id', 'n.settled_by')
    .selectAll('n')
    .select(['o.status as email_status', 'o.sent_at as email_sent_at', 's.display_name as settled_by_name'])
    .where('n.user_id', '=', ctx.actor.id);
  if (query.unread === 'true') q = q.where('n.read_at', 'is', null).where('n.settled_at', 'is', null);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor, 2);
    q = q.where((eb) => eb.or([eb('n.created_at', '<', at), eb.and([eb('n.created_at', '=', at), eb('n.id', '<', id)])]));
  }
  const rows = await q.orderBy('n.created_at', 'desc').orderBy('n.id', 'desc').limit(query.limit + 1).execute();
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({
      id: r.id, kind: r.kind, subject: r.subject, body: r.body, resourceType: r.resource_type, resourceId: r.resource_id,
      createdAt: r.created_at, readAt: r.read_at, email: r.email_status ? { status: r.email_status, sentAt: r.email_sent_at } : null,
      settled: r.settled_at ? { at: r.settled_at, byName: r.settled_by_name ?? null } : null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.created_at, last.id]) : null,
  };
}

/**
 * Marks one of the actor's notifications read (the first reading time is kept). Someone else's notification answers
 * 404 like a missing one.
 */
export async function markNotificationRead(ctx: Ctx, id: string): Promise<void> {
  const row = await ctx.db.selectFrom('notifications').select(['id', 'read_at']).where('id', '=', id).where('user_id', '=', ctx.actor.id).executeTakeFirst();
  if (!row) {
    throw notFoundAudited(ctx, 'notification', { action: 'notification.read', resourceType: 'notification', resourceId: id, detail: { found: false } });
  }
  if (row.read_at) return;
  await ctx.db.updateTable('notifications').set({ read_at: ctx.nowIso }).where('id', '=', id).execute();
  // Allowed by the route's action: one's own notifications (rule accounts/self).
  ctx.audit.add({ action: 'notification.read', decision: 'change', ruleId: SELF_RULE.id, clause: ctx.actor.policy.clauseFor(SELF_RULE.clauseKey), resourceType: 'notification', resourceId: id, detail: {} });
}
