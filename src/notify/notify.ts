import { canAct } from '../accounts/can-act';
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

/** What {@link notify} did: the notification of each recipient, how many e-mails it queued, and to whom. */
export interface Notified {
  recipients: string[];
  emailed: number;
  /** The recipients an e-mail was queued for (those with an address). */
  emailedTo?: string[];
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
  const emailedTo = notice.emailPath
    ? await queueEmails(ctx, rows.map((r) => ({ notificationId: r.id, userId: r.user_id })), notice.subject, notice.emailPath)
    : [];
  const emailed = emailedTo.length;
  ctx.audit.add({
    action: 'notification.send', decision: 'change', ruleId: notice.decision.ruleId, clause: notice.decision.clause, resourceType: notice.resourceType ?? null, resourceId: notice.resourceId ?? null,
    detail: { kind: notice.kind, recipients: unique, ...(notice.emailPath ? { emailed } : {}) },
  });
  return { recipients: unique, emailed, emailedTo };
}

/**
 * What the person who raised or reported something is told about who was alerted at once — no more than is true:
 * how many people who can act on it were alerted ({@link canAct}), the roles through which they were found (in
 * the order the caller looked for them; none when nobody who can act was found), how many e-mails were queued for
 * them, whether e-mail is held in the outbox because no e-mail server is set up (SMTP_URL), and how many more were
 * alerted whose accounts are not set up yet — never signed in to choose their own password — who will read it once
 * they do but cannot act on it before.
 */
export interface Alerted {
  roles: Role[];
  people: number;
  emailed: number;
  emailHeld: boolean;
  notSetUp: number;
}

/**
 * Whom an alert goes to (`ids`: every active holder found, each once), those of them who can act on it now
 * (`ready`: {@link canAct}), and the roles through which anyone who can act was found.
 */
export interface Holders {
  roles: Role[];
  ids: string[];
  ready: string[];
}

/**
 * {@link Alerted} for the people found (`found`, {@link Holders}) and what {@link notify} did for them: only those who
 * can act are counted as alerted, and their e-mails as sent; the rest are `notSetUp`.
 */
export const alertedAs = (ctx: Ctx, found: Pick<Holders, 'roles' | 'ready'>, notified: Notified): Alerted => {
  const ready = new Set(found.ready);
  const people = notified.recipients.filter((id) => ready.has(id)).length;
  const emailed = (notified.emailedTo ?? []).filter((id) => ready.has(id)).length;
  return {
    roles: people ? [...found.roles] : [], people, emailed, emailHeld: emailed > 0 && ctx.services.config.smtpUrl === '',
    notSetUp: notified.recipients.length - people,
  };
};

/**
 * The active holders of the first role in `roles` of which anyone can act ({@link canAct}), leaving one user (or
 * several) out, with the role they were found through: whom to alert when the intended people may be missing — as
 * when nobody holds a role, the next role is tried when none of its holders can act yet, and those who cannot are
 * alerted too (they read it once they sign in). No role, and nobody ready, when no role has anyone who can act.
 */
export async function firstHolders(ctx: Pick<Ctx, 'db'>, roles: readonly Role[], except?: string | readonly string[]): Promise<Holders> {
  const ids = new Set<string>();
  for (const role of roles) {
    const holders = await holdersOf(ctx, role, except);
    for (const h of holders) ids.add(h.id);
    const ready = holders.filter((h) => h.canAct).map((h) => h.id);
    if (ready.length) return { roles: [role], ids: [...ids], ready };
  }
  return { roles: [], ids: [...ids], ready: [] };
}

/**
 * The active holders of every role in `roles`, leaving one user (or several) out — someone holding several of them
 * once — those of them who can act ({@link canAct}), and the roles through which anyone who can act was found,
 * in the order of `roles`.
 */
export async function allHolders(ctx: Pick<Ctx, 'db'>, roles: readonly Role[], except?: string | readonly string[]): Promise<Holders> {
  const found: Role[] = [];
  const ids = new Set<string>();
  const ready = new Set<string>();
  for (const role of roles) {
    const holders = await holdersOf(ctx, role, except);
    if (holders.some((h) => h.canAct)) found.push(role);
    for (const h of holders) {
      ids.add(h.id);
      if (h.canAct) ready.add(h.id);
    }
  }
  return { roles: found, ids: [...ids], ready: [...ready] };
}

/** Every active user holding `role`, and whether each can act ({@link canAct}), optionally leaving some out. */
async function holdersOf(ctx: Pick<Ctx, 'db'>, role: Role, except?: string | readonly string[]): Promise<{ id: string; canAct: boolean }[]> {
  const left = new Set(typeof except === 'string' ? [except] : except);
  const rows = await ctx.db
    .selectFrom('user_roles')
    .innerJoin('users', 'users.id', 'user_roles.user_id')
    .select(['users.id', 'users.active', 'users.must_change_password'])
    .where('user_roles.role', '=', role)
    .where('users.active', '=', 1)
    .orderBy('users.id')
    .execute();
  return rows.filter((r) => !left.has(r.id)).map((r) => ({ id: r.id, canAct: canAct(r) }));
}

/** Ids of every active user holding `role`, optionally leaving one user (or several) out: whom to tell. */
export async function activeWithRole(ctx: Pick<Ctx, 'db'>, role: Role, except?: string | readonly string[]): Promise<string[]> {
  return (await holdersOf(ctx, role, except)).map((h) => h.id);
}

/**
 * Ids of every user holding `role` who can act now ({@link canAct}), optionally leaving one user (or several)
 * out: whom to count on.
 */
export async function readyWithRole(ctx: Pick<Ctx, 'db'>, role: Role, except?: string | readonly string[]): Promise<string[]> {
  return (await holdersOf(ctx, role, except)).filter((h) => h.canAct).map((h) => h.id);
}

/** Ids of every active manager (for immediate escalation, practice 4.1), optionally leaving one user out. */
export const activeManagers = (ctx: Ctx, except?: string) => activeWithRole(ctx, 'manager', except);
