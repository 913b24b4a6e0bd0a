import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/context';
import { connect } from '../../src/db/connect';
import { newId } from '../../src/lib/ids';
import { FIRST_BACKOFF_MS, OutboxSender, smtpDeliver } from '../../src/notify/sender';
import { as, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

const WHAT = 'She said her uncle hits her when she is late home';

/** One message as the SMTP server received it. */
interface Received {
  to: string[];
  messageId: string;
  /** The message with quoted-printable soft line breaks undone, so text can be searched. */
  text: string;
}

/**
 * A real SMTP server on the loopback interface (no TLS, no authentication), recording what it accepts. `refuse`
 * decides per recipient whether to answer 550; `delayMs` slows each delivery down so two senders overlap.
 */
async function loopbackSmtp(options: { delayMs?: number } = {}) {
  const received: Received[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'], authOptional: true, logger: false,
    onRcptTo(_address, _session, callback) {
      if (refusals > 0) {
        refusals--;
        return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        setTimeout(() => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '',
            text: raw.replace(/=\r?\n/g, ''),
          });
          callback();
        }, options.delayMs ?? 0);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Refuse the next `n` recipients with 550. */
    refuseNext: (n: number) => { refusals = n; },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(dialects())('e-mail that really leaves: the outbox and its SMTP sender (%s)', (dialect) => {
  let world: World;
  let smtp: Awaited<ReturnType<typeof loopbackSmtp>>;
  let lead: TestUser, volunteer: TestUser;
  const db = () => world.services.db.kysely;
  const outboxOf = async (concernId: string) => {
    const notice = await db().selectFrom('notifications').select('id').where('resource_id', '=', concernId).where('user_id', '=', lead.id).executeTakeFirstOrThrow();
    return db().selectFrom('email_outbox').selectAll().where('notification_id', '=', notice.id).executeTakeFirstOrThrow();
  };
  const raise = async () => {
    const res = await as(world, volunteer).post('/api/concerns', {
      concernFor: 'child', personDescription: 'boy, about 9, Saturday group', whatHappened: WHAT, occurredAt: '2026-03-02T08:00:00Z', immediateRisk: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().data.id as string;
  };

  beforeAll(async () => {
    smtp = await loopbackSmtp();
    world = await createWorld(dialect, { smtpUrl: smtp.url, outboxMaxAttempts: 3, publicBaseUrl: 'https://confide.example.org', sessionIdleMinutes: 24 * 60 });
    lead = await makeUser(world, ['safeguarding_lead'], { email: 'lead@example.org' });
    volunteer = await makeUser(world, ['volunteer']);
  });
  afterAll(async () => {
    await world.close();
    await smtp.close();
  });

  it('practice 4.1 safeguarding-management: a volunteer raising a concern delivers an e-mail to the lead through real SMTP on loopback, with a link and nothing confidential', async () => {
    const id = await raise();
    const sender = new OutboxSender(world.services, smtpDeliver(smtp.url));
    expect(await sender.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const row = await outboxOf(id);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail.to).toEqual(['lead@example.org']);
    expect(mail.messageId).toBe(`<${row.id}@confide>`);
    expect(mail.text).toContain('Subject: Urgent, someone may be at risk now. A concern needs your attention'); // raised as an immediate risk
    expect(mail.text).toContain(`https://confide.example.org/#/concerns/${id}`);
    for (const secret of [WHAT, 'uncle', 'Saturday group']) expect(mail.text).not.toContain(secret);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: world.clock.now().toISOString(), claimed_by: null, last_error: null });
    const notice = await db().selectFrom('notifications').select('emailed_at').where('id', '=', row.notification_id!).executeTakeFirstOrThrow();
    expect(notice.emailed_at).toBe(world.clock.now().toISOString());
    const inbox = (await as(world, lead).get('/api/notifications')).json().items;
    expect(inbox.find((n: { resourceId: string }) => n.resourceId === id).email).toEqual({ status: 'sent', sentAt: world.clock.now().toISOString() });
    // Sent once: running the sender again sends nothing.
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('practice 4.1 safeguarding-management: a refused delivery is retried after its backoff on the injected clock, then delivered exactly once', async () => {
    smtp.received.length = 0;
    const id = await raise();
    const sender = new OutboxSender(world.services, smtpDeliver(smtp.url));
    smtp.refuseNext(1);
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const waiting = await outboxOf(id);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, claimed_by: null, next_attempt_at: new Date(world.clock.now().getTime() + FIRST_BACKOFF_MS).toISOString() });
    expect(waiting.last_error).toMatch(/^SMTP 550$/); // the reply code only: server text can echo the address
    expect(smtp.received).toHaveLength(0);

    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 }); // not before its time
    world.clock.advance(FIRST_BACKOFF_MS);
    expect(await sender.deliverDue()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(smtp.received.map((m) => m.messageId)).toEqual([`<${waiting.id}@confide>`]);
    expect(await outboxOf(id)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('practice 4.1 safeguarding-management: after OUTBOX_MAX_ATTEMPTS refusals a message is marked failed, and the app shows it', async () => {
    smtp.received.length = 0;
    const id = await raise();
    const sender = new OutboxSender(world.services, smtpDeliver(smtp.url));
    smtp.refuseNext(3);
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    world.clock.advance(FIRST_BACKOFF_MS);
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 1, failed: 0 });
    world.clock.advance(2 * FIRST_BACKOFF_MS); // the backoff doubles
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 1 });
    world.clock.advance(60 * 60_000);
    expect(await sender.deliverDue()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(await outboxOf(id)).toMatchObject({ status: 'failed', attempts: 3 });
    const inbox = (await as(world, lead).get('/api/notifications')).json().items;
    expect(inbox.find((n: { resourceId: string }) => n.resourceId === id).email).toEqual({ status: 'failed', sentAt: null });
    expect(smtp.received).toHaveLength(0);
  });

  it('practice 4.1 safeguarding-management: two sender loops on two connections to one database send each message exactly once', async () => {
    const slow = await loopbackSmtp({ delayMs: 5 });
    const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db())).rows[0].s : undefined;
    const second = connect({ databaseUrl: world.config.databaseUrl, dataDir: world.config.dataDir, pgSchema: schema });
    try {
      await db().deleteFrom('email_outbox').where('status', '=', 'pending').execute();
      const at = world.clock.now().toISOString();
      const ids = Array.from({ length: 40 }, () => newId());
      await db().insertInto('email_outbox').values(ids.map((id) => ({
        id, notification_id: null, user_id: lead.id, to_address: 'lead@example.org', subject: 'A concern needs your attention', body_text: 'link',
        created_at: at, status: 'pending', attempts: 0, next_attempt_at: at, claimed_by: null, claimed_until: null, sent_at: null, last_error: null,
      }))).execute();
      const one = new OutboxSender(world.services, smtpDeliver(slow.url));
      const two = new OutboxSender({ ...world.services, db: second } as Services, smtpDeliver(slow.url));
      const [a, b] = await Promise.all([one.deliverDue(), two.deliverDue()]);
      expect(a.sent + b.sent).toBe(40);
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);
      expect(slow.received.map((m) => m.messageId).sort()).toEqual(ids.map((id) => `<${id}@confide>`).sort());
      const rows = await db().selectFrom('email_outbox').select(['status', 'attempts']).where('id', 'in', ids).execute();
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).toBe(true);
    } finally {
      await second.close();
      await slow.close();
    }
  });
});
