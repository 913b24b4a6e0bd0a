import { z } from 'zod';
import { notFound } from '../http/errors';
import { route } from '../http/route';

const tags = ['notifications'];

/** Your notifications (break-glass alerts for managers, decisions on your access requests). */
export const notificationRoutes = [
  route({
    method: 'GET', url: '/api/notifications', action: 'notification.read', tags,
    query: z.strictObject({ unread: z.enum(['true', 'false']).default('false'), limit: z.coerce.number().int().min(1).max(200).default(50) }),
    summary: 'Your notifications, newest first',
    handler: async (ctx, { query }) => {
      let q = ctx.db.selectFrom('notifications').selectAll().where('user_id', '=', ctx.actor.id);
      if (query.unread === 'true') q = q.where('read_at', 'is', null);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
      return {
        items: rows.map((r) => ({ id: r.id, kind: r.kind, subject: r.subject, body: r.body, resourceType: r.resource_type, resourceId: r.resource_id, createdAt: r.created_at, readAt: r.read_at })),
      };
    },
  }),
  route({
    method: 'POST', url: '/api/notifications/:id/read', action: 'notification.read', tags, params: z.strictObject({ id: z.uuid() }),
    body: z.strictObject({}).optional(),
    summary: 'Mark one of your notifications read',
    handler: async (ctx, { params }) => {
      const r = await ctx.db.updateTable('notifications').set({ read_at: ctx.nowIso }).where('id', '=', params.id).where('user_id', '=', ctx.actor.id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) throw notFound('notification');
    },
  }),
];
