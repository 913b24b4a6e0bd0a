import { sql } from 'kysely';
import type { Ctx, Services } from '../context';
import type { BreachFlagRow } from '../db/schema';
import { newId } from '../lib/ids';
import { notify } from '../notify/notify';
import { READ_ACTIONS } from '../policy/actions';
import { runUnit } from '../unit';
import { breachRecipients } from './commands';
import { flagConductOf } from './conduct';

/** The rule under which review flags are raised for management; raising them is its obligation. */
export const FLAG_RULE = { id: 'breaches/management', clauseKey: 'breach-handling' } as const;
/** Audit entries read per batch, and batches per run (a run that falls behind catches up on the next). */
const BATCH = 5_000;
const MAX_BATCHES = 20;
/** Counters older than this are no longer needed (every window is shorter). */
const KEEP_DAYS = 8;
const READS: ReadonlySet<string> = new Set(READ_ACTIONS);

type Kind = 'reads' | 'denials' | 'export';
interface Counted { user: string; kind: Kind; bucket: string; n: number }

/** The start of the fixed window of `minutes` holding `at` (windows are aligned to the epoch, so every run agrees). */
export const bucketOf = (at: string, minutes: number) => {
  const ms = minutes * 60_000;
  return new Date(Math.floor(new Date(at).getTime() / ms) * ms).toISOString();
};

/**
 * Reads the audit chain from where the last run stopped and adds what it finds to per-user counters: record reads
 * (allowed `*.read` entries) and refusals (any denied entry) per fixed window, and the people whose confidential
 * fields one export wrote out (entries marked `via: export`, per unit of work). Entries of the system (jobs, the
 * console) are not counted. The counters and the scan position move in the same transaction, and the scan
 * position's row is locked first, so each entry is counted once however many processes run the job.
 */
async function countFromAudit(ctx: Ctx): Promise<Counted[]> {
  const lock = ctx.services.db.dialect === 'postgres' ? sql` for update` : sql``;
  const { rows: [state] } = await sql<{ seq: number }>`select seq from breach_flag_scan where id = 1${lock}`.execute(ctx.db);
  let from = Number(state?.seq ?? 0);
  const { breachReadsWindowMinutes: readsWindow, breachDenialsWindowMinutes: denialsWindow } = ctx.services.config;
  const counts = new Map<string, Counted>();
  const add = (user: string, kind: Kind, bucket: string) => {
    const key = `${user}|${kind}|${bucket}`;
    const c = counts.get(key);
    if (c) c.n += 1;
    else counts.set(key, { user, kind, bucket, n: 1 });
  };
  for (let i = 0; i < MAX_BATCHES; i++) {
    const rows = await ctx.db
      .selectFrom('audit_events')
      .select(['seq', 'at', 'actor_id', 'action', 'decision', 'detail'])
      .where('seq', '>', from)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const e of rows) {
      const user = e.actor_id;
      if (!user || user === 'system') continue;
      if (e.decision === 'deny') add(user, 'denials', bucketOf(e.at, denialsWindow));
      else if (e.decision === 'allow' && READS.has(e.action)) {
        add(user, 'reads', bucketOf(e.at, readsWindow));
        if (e.detail.includes('"via":"export"')) add(user, 'export', e.at);
      }
    }
    if (rows.length) from = Number(rows[rows.length - 1].seq);
    if (rows.length < BATCH) break;
  }
  const touched = [...counts.values()];
  for (let i = 0; i < touched.length; i += 500) {
    await ctx.db
      .insertInto('breach_activity')
      .values(touched.slice(i, i + 500).map((c) => ({ user_id: c.user, kind: c.kind, bucket: c.bucket, n: c.n })))
      .onConflict((oc) => oc.columns(['user_id', 'kind', 'bucket']).doUpdateSet((eb) => ({ n: eb(eb.ref('breach_activity.n'), '+', eb.ref('excluded.n')) })))
      .execute();
  }
  await ctx.db.updateTable('breach_flag_scan').set({ seq: from, scanned_at: ctx.nowIso }).where('id', '=', 1).execute();
  const cutoff = new Date(ctx.now.getTime() - KEEP_DAYS * 86_400_000).toISOString();
  await ctx.db.deleteFrom('breach_activity').where('bucket', '<', cutoff).execute();
  return touched;
}

/** A flag to raise, before it has an id. */
type Candidate = Pick<BreachFlagRow, 'kind' | 'dedupe_key' | 'user_id' | 'window_start' | 'window_end' | 'count' | 'grant_id'>;

/** The counters touched by this run that reach their threshold, as flags (with the counter's total so far). */
async function activityCandidates(ctx: Ctx, touched: readonly Counted[]): Promise<Candidate[]> {
  const c = ctx.services.config;
  const rule = {
    reads: { kind: 'read-volume', threshold: c.breachReadsThreshold, minutes: c.breachReadsWindowMinutes },
    denials: { kind: 'repeated-denials', threshold: c.breachDenialsThreshold, minutes: c.breachDenialsWindowMinutes },
    export: { kind: 'people-export', threshold: c.breachExportMinPeople, minutes: 0 },
  } as const;
  const out: Candidate[] = [];
  for (const t of touched) {
    const total = await ctx.db.selectFrom('breach_activity').select('n').where('user_id', '=', t.user).where('kind', '=', t.kind).where('bucket', '=', t.bucket).executeTakeFirst();
    const n = Number(total?.n ?? 0);
    const r = rule[t.kind];
    if (n < r.threshold) continue;
    out.push({
      kind: r.kind, dedupe_key: `${r.kind}:${t.user}:${t.bucket}`, user_id: t.user, window_start: t.bucket,
      window_end: new Date(new Date(t.bucket).getTime() + r.minutes * 60_000).toISOString(), count: n, grant_id: null,
    });
  }
  return out;
}

/** Break-glass uses still waiting for a manager's review after BREACH_BREAK_GLASS_REVIEW_HOURS (practice 4.2–4.3). */
async function breakGlassCandidates(ctx: Ctx): Promise<Candidate[]> {
  const before = new Date(ctx.now.getTime() - ctx.services.config.breachBreakGlassReviewHours * 3_600_000).toISOString();
  const uses = await ctx.db
    .selectFrom('access_grants')
    .select(['id', 'user_id', 'requested_at'])
    .where('kind', '=', 'break_glass')
    .where('review_status', '=', 'pending')
    .where('requested_at', '<=', before)
    .orderBy('requested_at')
    .execute();
  return uses.map((g) => ({
    kind: 'break-glass-unreviewed', dedupe_key: `break-glass-unreviewed:${g.id}`, user_id: g.user_id, window_start: g.requested_at, window_end: null, count: 1, grant_id: g.id,
  }));
}

/**
 * Raises review flags for management (clause 5: breaches are dealt with seriously, so the signs of one are looked
 * at): break-glass uses left unreviewed, unusual volumes of record reads by one user, exports of people, repeated
 * refusals of one user — computed from the audit chain and the access tables. Each flag has a key (its kind, the
 * user and the window, or the break-glass use) and is raised once: a later run only brings its count up to date.
 * New flags are recorded in the audit chain and announced to management in the app — never to the user a flag is
 * about. Returns the new flags' ids.
 */
export async function raiseFlags(ctx: Ctx): Promise<string[]> {
  const touched = await countFromAudit(ctx); // locks the scan position first: runs take turns from here on
  const candidates = [...(await breakGlassCandidates(ctx)), ...(await activityCandidates(ctx, touched))];
  if (!candidates.length) return [];
  const existing = new Map(
    (await ctx.db.selectFrom('breach_flags').select(['id', 'dedupe_key', 'count']).where('dedupe_key', 'in', candidates.map((c) => c.dedupe_key)).execute()).map((f) => [f.dedupe_key, f]),
  );
  const raised: Pick<BreachFlagRow, 'id' | 'user_id'>[] = [];
  for (const c of candidates) {
    const found = existing.get(c.dedupe_key);
    if (found) {
      if (Number(found.count) !== c.count) await ctx.db.updateTable('breach_flags').set({ count: c.count }).where('id', '=', found.id).execute();
      continue;
    }
    const id = newId(ctx.now.getTime());
    const inserted = await ctx.db
      .insertInto('breach_flags')
      .values({ id, ...c, raised_at: ctx.nowIso, status: 'open', decided_by: null, decided_at: null, dismiss_reason: null, breach_id: null, version: 1 })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    ctx.audit.add({
      action: 'breach.flag', decision: 'change', ruleId: FLAG_RULE.id, clause: ctx.actor.policy.clauseFor(FLAG_RULE.clauseKey), resourceType: 'breach-flag', resourceId: id,
      detail: { kind: c.kind, user: c.user_id, count: c.count, windowStart: c.window_start, windowEnd: c.window_end, grant: c.grant_id },
    });
    raised.push({ id, user_id: c.user_id });
  }
  await announce(ctx, raised);
  return raised.map((f) => f.id);
}

/**
 * Tells management of new flags in the app: each flag goes to every active manager but the user it is about (clause
 * 5: a disciplinary matter is not followed by the person it concerns; src/breaches/conduct.ts) — to the guardian when
 * no other manager is left, as a breach's alerts do ({@link breachRecipients}), who then decides it (rule
 * breaches/guardian-when-no-manager-free, src/breaches/flag-commands.ts). One notification per person, counting the
 * flags they are told of; nobody is told of a flag about themselves.
 */
async function announce(ctx: Ctx, raised: readonly Pick<BreachFlagRow, 'id' | 'user_id'>[]) {
  const audiences = new Map<string, string[]>(); // by the user the flags are about ('' for nobody)
  const told = new Map<string, number>(); // recipient → how many of the new flags they are told of
  for (const f of raised) {
    const about = f.user_id ?? '';
    let audience = audiences.get(about);
    if (!audience) {
      audience = await breachRecipients(ctx, flagConductOf(f));
      audiences.set(about, audience);
    }
    for (const user of audience) told.set(user, (told.get(user) ?? 0) + 1);
  }
  const byCount = new Map<number, string[]>();
  for (const [user, n] of told) byCount.set(n, [...(byCount.get(n) ?? []), user]);
  for (const [n, users] of byCount) {
    await notify(ctx, users, {
      kind: 'breach-flags', subject: n === 1 ? 'A review flag needs your attention' : `${n} review flags need your attention`,
      body: 'Confide noticed activity that may be a breach of the confidentiality policy. Review each flag: dismiss it with a reason, or open it as a breach.',
      resourceType: 'breach-flag', decision: { ruleId: FLAG_RULE.id, clause: ctx.actor.policy.clauseFor(FLAG_RULE.clauseKey) },
    });
  }
}

/** Runs {@link raiseFlags} once as a unit of work with the system as actor. */
export const runFlags = (services: Services) => runUnit(services, { actor: 'system', requestId: 'job:breach-flags', work: raiseFlags });
