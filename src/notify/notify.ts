import type { Ctx } from '../context';
import { newId } from '../lib/ids';
import type { Decision, Role } from '../policy/types';
import { queueEmails } from './outbox';

/** A message to users. Subject and body must never carry confidential values: link the record by id instead. */
export interface Notice {
  kind: string;
  subject: string;
  body: string;
  resourceType?: string;
  resourceId?: string;
  /**
   * Also e-mail it, through the outbox: the subject and a link to this path of the web app (PUBLIC_BASE_URL + path),
   * never the body.
   */
  emailPath?: string;
  /** The decision whose outcome this tells: its rule and clause are recorded. */
  decision: Pick<Decision, 'ruleId' | 'clause'>;
}

/** What {@link notify} needs of a unit of work (account administration passes its narrower context). */
export type NotifyCtx = Pick<Ctx, 'db' | 'now' | 'nowIso' | 'audit' | 'services'>;

/** What {@link notify} did: the notification of each recipient, and how many e-mails it queued. */
export interface Notified {
  recipients: string[];
  emailed: number;
}

/**
 * Queues a notification for each user, in the operation's transaction; with `emailPath`, also an e-mail for each
 * recipient who has an address (the transactional outbox, src/notify/outbox.ts). Audited (`notification.send`)
 * under the rule and clause of the decision whose outcome it tells (`notice.decision`).
 */
export async function notify(ctx: NotifyCtx, userIds: readonly string[], notice: Notice): Promise<Notified> {
  const unique = [...new Set(userIds)];
  if (!unique.length) return { recipients: [], emailed: 0 };
  const rows = unique.map((userId) => ({
    id: newId(ctx.now.getTime()), user_id: userId, kind: notice.kind, subject: notice.subject, body: notice.body,
    resource_type: notice.resourceType ?? null, resource_id: notice.resourceId ?? null, created_at: ctx.nowIso,
    read_at: null, emailed_at: null, settled_at: null, settled_by: null,
  }));
  await ctx.db.insertInto('notifications').values(rows).execute();
  const emailed = notice.emailPath
    ? await queueEmails(ctx, rows.map((r) => ({ notificationId: r.id, userId: r.user_id })), notice.subject, notice.emailPath)
    : 0;
  ctx.audit.add({
    action: 'notification.send', decision: 'change', ruleId: notice.decision.ruleId, clause: notice.decision.clause, resourceType: notice.resourceType ?? null, resourceId: notice.resourceId ?? null,
    detail: { kind: notice.kind, recipients: unique, ...(notice.emailPath ? { emailed } : {}) },
  });
  return { recipients: unique, emailed };
}

/**
 * What the person who raised or reported something is told about who was alerted at once — no more than is true:
 * how many people, the roles through which they were found (in the order the caller looked for them; none when
 * nobody was found), how many e-mails were queued, and whether e-mail is held in the outbox because no e-mail server
 * is set up (SMTP_URL).
 */
export interface Alerted {
  roles: Role[];
  people: number;
  emailed: number;
  emailHeld: boolean;
}

/** {@link Alerted} for people found through `roles` and what {@link notify} did for them. */
export const alertedAs = (ctx: Ctx, roles: readonly Role[], notified: Notified): Alerted => ({
  roles: [...roles], people: notified.recipients.length, emailed: notified.emailed, emailHeld: notified.emailed > 0 && ctx.services.config.smtpUrl === '',
});

/**
 * The active holders of the first role in `roles` that anyone holds, leaving one user (or several) out, with the
 * role they were found through (no role, and nobody, when none is held): whom to alert when the intended people may
 * be missing.
 */
export async function firstHolders(ctx: Ctx, roles: readonly Role[], except?: string | readonly string[]): Promise<{ roles: Role[]; ids: string[] }> {
  for (const role of roles) {
    const ids = await activeWithRole(ctx, role, except);
    if (ids.length) return { roles: [role], ids };
  }
  return { roles: [], ids: [] };
}

/**
 * The active holders of every role in `roles`, leaving one user (or several) out — someone holding several of them
 * once — with the roles through which anyone was found, in the order of `roles`.
 */
export async function allHolders(ctx: Pick<Ctx, 'db'>, roles: readonly Role[], except?: string | readonly string[]): Promise<{ roles: Role[]; ids: string[] }> {
  const found: Role[] = [];
  const ids = new Set<string>();
  for (const role of roles) {
    const holders = await activeWithRole(ctx, role, except);
    if (holders.length) found.push(role);
    for (const id of holders) ids.add(id);
  }
  return { roles: found, ids: [...ids] };
}

/** Ids of every active user holding `role`, optionally leaving one user (or several) out. */
export async function activeWithRole(ctx: Pick<Ctx, 'db'>, role: Role, except?: string | readonly string[]): Promise<string[]> {
  const left = new Set(typeof except === 'string' ? [except] : except);
  const rows = await ctx.db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select('users.id')
    .where('user_roles.role', '=', role)
    .where('users.active', '=', 1)
    .orderBy('users.id')
    .execute();
  return rows.map((r) => r.id).filter((id) => !left.has(id));
}

/** Ids of every active manager (for immediate escalation, practice 4.1), optionally leaving one user out. */
export const activeManagers = (ctx: Ctx, except?: string) => activeWithRole(ctx, 'manager', except);
