import { z } from 'zod';
import { route } from '../http/route';
import { listNotifications, listNotificationsQuery, markNotificationRead } from './inbox';

const tags = ['notifications'];

/** Your notifications (break-glass alerts for managers, decisions on your access requests). */
export const notificationRoutes = [
  route({
    method: 'GET', url: '/api/notifications', action: 'notification.read', tags, query: listNotificationsQuery,
    summary: 'Your notifications, newest first',
    handler: (ctx, { query }) => listNotifications(ctx, query),
  }),
  route({
    method: 'POST', url: '/api/notifications/:id/read', action: 'notification.read', tags, params: z.strictObject({ id: z.uuid() }),
    body: z.strictObject({}).optional(),
    summary: 'Mark one of your notifications read',
    handler: (ctx, { params }) => markNotificationRead(ctx, params.id),
  }),
];
