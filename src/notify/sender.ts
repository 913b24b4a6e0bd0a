import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Services } from '../context';
import type { EmailOutboxRow } from '../db/schema';

/** How long a claimed message is reserved for the sender that claimed it (longer than any SMTP timeout below). */
export const LEASE_MS = 5 * 60_000;
/** Messages claimed per round trip. */
const BATCH = 10;
/** The wait before the first retry; each further retry waits twice as long, up to {@link MAX_BACKOFF_MS}. */
export const FIRST_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 60 * 60_000;

/** How long to wait before retrying after the `attempt`-th failed delivery (30 s, 1 min, 2 min … at most 1 h). */
export const backoffMs = (attempt: number) => Math.min(FIRST_BACKOFF_MS * 2 ** Math.max(0, attempt - 1), MAX_BACKOFF_MS);

/** Delivers one message; throws when the server refuses it or cannot be reached. */
export type Deliver = (message: { id: string; from: string; to: string; subject: string; text: string }) => Promise<void>;

/** What one run of the sender did. */
export interface DeliveryRun {
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * An SMTP delivery through nodemailer to the server named by SMTP_URL (smtp:// or smtps://, credentials in the URL).
 * nodemailer is loaded on the first delivery, so commands and servers that send no e-mail do not pay for it at start.
 */
export function smtpDeliver(smtpUrl: string): Deliver {
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  return async (m) => {
    transport ??= import('nodemailer').then(({ createTransport }) =>
      createTransport({ url: smtpUrl, connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 }));
    await (await transport).sendMail({
      from: m.from, to: m.to, subject: m.subject, text: m.text,
      // One Message-ID per outbox row: a retry of the same message is recognisably the same message.
      messageId: `<${m.id}@confide>`,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  };
}

/**
 * A short description of a failed delivery for the outbox row: the SMTP reply code or the network error code only.
 * Server replies can echo the recipient's address, so their text is never stored or logged.
 */
export function deliveryError(error: unknown): string {
  const e = error as { responseCode?: number; code?: string };
  if (typeof e?.responseCode === 'number') return `SMTP ${e.responseCode}`;
  if (typeof e?.code === 'string' && /^[A-Z_]{2,40}$/.test(e.code)) return e.code;
  return 'delivery failed';
}

/**
 * Takes up to `limit` messages that are due and not claimed by another sender, reserving them for this one under a
 * lease, in one statement. On PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so senders in several
 * processes never pick the same row and never wait for each other; on SQLite the single UPDATE runs under the
 * database's one write lock, which does the same. A sender that dies mid-delivery leaves its lease to expire, and the
 * message is taken again.
 */
async function claim(services: Services, workerId: string, now: Date, limit: number): Promise<EmailOutboxRow[]> {
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + LEASE_MS).toISOString();
  const lock = services.db.dialect === 'postgres' ? sql` for update skip locked` : sql``;
  const { rows } = await sql<EmailOutboxRow>`
    update email_outbox set claimed_by = ${workerId}, claimed_until = ${until}, attempts = attempts + 1
    where id in (
      select id from email_outbox
      where status = 'pending' and next_attempt_at <= ${nowIso} and (claimed_until is null or claimed_until <= ${nowIso})
      order by next_attempt_at, id limit ${limit}${lock})
    returning *`.execute(services.db.kysely);
  return rows;
}

/**
 * The outbox sender: delivers queued e-mail, each message once, retrying refused or failed deliveries with
 * exponential backoff up to OUTBOX_MAX_ATTEMPTS, after which the message is marked failed (and stays visible).
 * Time comes from the injected clock, so tests drive retries.
 */
export class OutboxSender {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(
    private readonly services: Services,
    private readonly deliver: Deliver,
  ) {}

  /** Delivers every message that is due now; returns what happened. */
  async deliverDue(): Promise<DeliveryRun> {
    const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0 };
    for (;;) {
      const batch = await claim(this.services, this.workerId, this.services.clock.now(), BATCH);
      for (const message of batch) await this.deliverOne(message, run);
      if (batch.length < BATCH) return run;
    }
  }

  private async deliverOne(m: EmailOutboxRow, run: DeliveryRun) {
    const db = this.services.db.kysely;
    try {
      await this.deliver({ id: m.id, from: this.services.config.mailFrom, to: m.to_address, subject: m.subject, text: m.body_text });
    } catch (error) {
      const nowMs = this.services.clock.now().getTime();
      const attempts = Number(m.attempts);
      const gaveUp = attempts >= this.services.config.outboxMaxAttempts;
      await db.updateTable('email_outbox')
        .set({
          status: gaveUp ? 'failed' : 'pending', claimed_by: null, claimed_until: null, last_error: deliveryError(error),
          next_attempt_at: gaveUp ? m.next_attempt_at : new Date(nowMs + backoffMs(attempts)).toISOString(),
        })
        .where('id', '=', m.id).where('claimed_by', '=', this.workerId)
        .execute();
      if (gaveUp) run.failed++;
      else run.retrying++;
      this.services.logger.warn({ outbox: m.id, attempts, error: deliveryError(error), gaveUp }, 'e-mail delivery failed');
      return;
    }
    const sentAt = this.services.clock.now().toISOString();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('email_outbox')
        .set({ status: 'sent', sent_at: sentAt, claimed_by: null, claimed_until: null, last_error: null })
        .where('id', '=', m.id).where('claimed_by', '=', this.workerId).execute();
      if (m.notification_id) await trx.updateTable('notifications').set({ emailed_at: sentAt }).where('id', '=', m.notification_id).execute();
    });
    run.sent++;
  }
}

/**
 * Runs the sender every OUTBOX_POLL_SECONDS in this process, one run at a time, when SMTP_URL is set; without it
 * e-mail stays in the outbox (and each notification shows it as not yet sent). Returns a function that stops it.
 */
export function startOutboxSender(services: Services, deliver: Deliver | null = services.config.smtpUrl ? smtpDeliver(services.config.smtpUrl) : null): () => void {
  if (!deliver) return () => undefined;
  const sender = new OutboxSender(services, deliver);
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sender.deliverDue()
      .catch((error: Error) => services.logger.error({ err: { type: error.name, stack: error.stack } }, 'outbox sender failed'))
      .finally(() => { running = false; });
  }, services.config.outboxPollSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
