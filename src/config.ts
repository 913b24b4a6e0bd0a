import { resolve } from 'node:path';
import { z } from 'zod';

/**
 * Every setting Confide reads from the environment, with its default. The README documents each one;
 * keep the two in step.
 */
const settingsSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => v === '' || /^postgres(ql)?:\/\//.test(v), 'must be empty (SQLite) or a postgres:// URL')
    .default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  SECURE_COOKIES: z.enum(['auto', '0', '1']).default('auto'),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  GRANT_DEFAULT_HOURS: z.coerce.number().int().min(1).default(72),
  GRANT_MAX_HOURS: z.coerce.number().int().min(1).default(24 * 30),
  BREAK_GLASS_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  AUDIT_CHECKPOINT_EVERY: z.coerce.number().int().min(1).default(1000),
  DB_LOCK_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
  // At least 2: a running request holds one (its transaction's, if it writes) while a group of read records needs another.
  DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  CONFIDE_DEMO_PASSWORD: z.string().optional(),
  PUBLIC_BASE_URL: z
    .string()
    .refine((v) => v === '' || /^https?:\/\/[^\s]+$/.test(v), 'must be empty or an http(s):// URL')
    .default(''),
  METRICS_TOKEN: z
    .string()
    .refine((v) => v === '' || (v.length >= 24 && !/\s/.test(v)), 'must be empty (no /metrics) or a token of at least 24 characters without spaces')
    .default(''),
  SMTP_URL: z
    .string()
    .refine((v) => v === '' || /^smtps?:\/\/[^\s]+$/.test(v), 'must be empty (keep e-mail in the outbox) or an smtp:// or smtps:// URL')
    .default(''),
  MAIL_FROM: z.string().min(3).default('Confide <confide@localhost>'),
  OUTBOX_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  SAFEGUARDING_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  /** Sharing agreements whose end or review date falls within this many days show on the review list (practice 5.1). */
  AGREEMENT_REVIEW_DAYS: z.coerce.number().int().min(1).max(365).default(60),
  SAFEGUARDING_URGENT_ESCALATE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  SAFEGUARDING_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** An urgent safeguarding referral released first must have its record completed within this many hours (practice 4.3). */
  REFERRAL_COMPLETE_HOURS: z.coerce.number().int().min(1).max(7 * 24).default(24),
  ORGANISATION_NAME: z.string().trim().min(1).max(200).default('Music24'),
  ORGANISATION_ADDRESS: z.string().max(500).default(''),
  ORGANISATION_EMAIL: z.string().max(200).default(''),
  ORGANISATION_PHONE: z.string().max(50).default(''),
  ORGANISATION_CONTACT: z.string().trim().min(1).max(200).default('Data protection lead'),
  PRIVACY_POLICY_URL: z
    .string()
    .refine((v) => v === '' || /^https?:\/\/[^\s]+$/.test(v), 'must be empty or an http(s):// URL')
    .default(''),
  JURISDICTION: z.string().trim().min(2).max(20).default('GB'),
  BREACH_ICO_WARN_HOURS: z
    .string()
    .regex(/^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$/, 'hours left before the 72-hour deadline, comma-separated, e.g. 24,6')
    .refine((v) => v.split(',').every((h) => Number(h) >= 1 && Number(h) < 72), 'each between 1 and 71')
    .default('24,6'),
  BREACH_CHECK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  BREACH_READS_THRESHOLD: z.coerce.number().int().min(1).default(200),
  BREACH_READS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  BREACH_DENIALS_THRESHOLD: z.coerce.number().int().min(1).default(10),
  BREACH_DENIALS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
  BREACH_EXPORT_MIN_PEOPLE: z.coerce.number().int().min(1).default(1),
  BREACH_BREAK_GLASS_REVIEW_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
});

/** Resolved, typed configuration. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string;
  logLevel: z.infer<typeof settingsSchema>['LOG_LEVEL'];
  /** auto: readable lines at a terminal, JSON lines otherwise (src/lib/log-lines.ts). */
  logFormat: 'auto' | 'json' | 'pretty';
  trustProxy: boolean;
  secureCookies: 'auto' | boolean;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  grantDefaultHours: number;
  grantMaxHours: number;
  breakGlassMinutes: number;
  auditCheckpointEvery: number;
  /** How long a statement waits for a lock (SQLite busy_timeout, PostgreSQL lock_timeout) before the request is a 503. */
  dbLockTimeoutMs: number;
  /** PostgreSQL: connections in the pool that running requests and group commits borrow from (besides the shared read connections). */
  dbPoolSize: number;
  demoPassword?: string;
  /** Where users reach Confide, for links in e-mails (default http://HOST:PORT). */
  publicBaseUrl: string;
  /** Bearer token a Prometheus scrape of /metrics must send; empty turns /metrics off (issue 9). */
  metricsToken: string;
  /** SMTP server to deliver e-mail through; empty keeps messages in the outbox (shown in the app). */
  smtpUrl: string;
  mailFrom: string;
  outboxPollSeconds: number;
  outboxMaxAttempts: number;
  /** An unacknowledged safeguarding concern escalates after this long (practice 4.1). */
  safeguardingEscalateMinutes: number;
  /** Days ahead the sharing-agreement review list looks (practice 5.1). */
  agreementReviewDays: number;
  /** … or after this long when the raiser said there is immediate risk. */
  safeguardingUrgentEscalateMinutes: number;
  safeguardingCheckSeconds: number;
  /**
   * Hours within which an urgent safeguarding referral released first must have its record completed — the answers
   * it left and, after a release at once, a second manager's review — before it is flagged (practice 4.1, 4.3).
   */
  referralCompleteHours: number;
  /** The data controller named on consent receipts (Kantara piiControllers). */
  organisation: { name: string; address: string; email: string; phone: string; contact: string };
  /** The privacy notice a receipt links to (default PUBLIC_BASE_URL/privacy). */
  privacyPolicyUrl: string;
  /** The jurisdiction a receipt names (ISO 3166 code, default GB). */
  jurisdiction: string;
  /** Hours left before a breach's 72-hour ICO deadline at which management are warned, most first (UK GDPR Art 33). */
  breachIcoWarnHours: number[];
  breachCheckSeconds: number;
  /** Review flags (clause 5): this many record reads by one user within one window raise a flag. */
  breachReadsThreshold: number;
  breachReadsWindowMinutes: number;
  /** … this many refusals of one user within one window. */
  breachDenialsThreshold: number;
  breachDenialsWindowMinutes: number;
  /** … an export of at least this many people's confidential fields. */
  breachExportMinPeople: number;
  /** … a break-glass use still awaiting review after this many hours. */
  breachBreakGlassReviewHours: number;
}

/**
 * Reads configuration from an environment map. Throws a readable error naming each bad setting.
 * @param env usually `process.env`
 * @param overrides values that win over the environment (tests, CLI flags)
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid settings:\n${lines.join('\n')}`);
  }
  const s = parsed.data;
  const config: Config = {
    port: s.PORT,
    host: s.HOST,
    dataDir: resolve(s.DATA_DIR),
    databaseUrl: s.DATABASE_URL,
    metricsToken: s.METRICS_TOKEN,
    logLevel: s.LOG_LEVEL,
    logFormat: s.LOG_FORMAT,
    trustProxy: s.TRUST_PROXY === '1',
    secureCookies: s.SECURE_COOKIES === 'auto' ? 'auto' : s.SECURE_COOKIES === '1',
    sessionIdleMinutes: s.SESSION_IDLE_MINUTES,
    sessionMaxHours: s.SESSION_MAX_HOURS,
    maxBodyBytes: s.MAX_BODY_BYTES,
    maxUploadBytes: s.MAX_UPLOAD_BYTES,
    grantDefaultHours: s.GRANT_DEFAULT_HOURS,
    grantMaxHours: s.GRANT_MAX_HOURS,
    breakGlassMinutes: s.BREAK_GLASS_MINUTES,
    auditCheckpointEvery: s.AUDIT_CHECKPOINT_EVERY,
    dbLockTimeoutMs: s.DB_LOCK_TIMEOUT_MS,
    dbPoolSize: s.DB_POOL_SIZE,
    demoPassword: s.CONFIDE_DEMO_PASSWORD,
    publicBaseUrl: (s.PUBLIC_BASE_URL || `http://${s.HOST === '0.0.0.0' ? 'localhost' : s.HOST}:${s.PORT}`).replace(/\/+$/, ''),
    smtpUrl: s.SMTP_URL,
    mailFrom: s.MAIL_FROM,
    outboxPollSeconds: s.OUTBOX_POLL_SECONDS,
    outboxMaxAttempts: s.OUTBOX_MAX_ATTEMPTS,
    safeguardingEscalateMinutes: s.SAFEGUARDING_ESCALATE_MINUTES,
    agreementReviewDays: s.AGREEMENT_REVIEW_DAYS,
    safeguardingUrgentEscalateMinutes: s.SAFEGUARDING_URGENT_ESCALATE_MINUTES,
    safeguardingCheckSeconds: s.SAFEGUARDING_CHECK_SECONDS,
    referralCompleteHours: s.REFERRAL_COMPLETE_HOURS,
    organisation: { name: s.ORGANISATION_NAME, address: s.ORGANISATION_ADDRESS, email: s.ORGANISATION_EMAIL, phone: s.ORGANISATION_PHONE, contact: s.ORGANISATION_CONTACT },
    privacyPolicyUrl: '',
    jurisdiction: s.JURISDICTION,
    breachIcoWarnHours: [...new Set(s.BREACH_ICO_WARN_HOURS.split(',').map(Number))].sort((x, y) => y - x),
    breachCheckSeconds: s.BREACH_CHECK_SECONDS,
    breachReadsThreshold: s.BREACH_READS_THRESHOLD,
    breachReadsWindowMinutes: s.BREACH_READS_WINDOW_MINUTES,
    breachDenialsThreshold: s.BREACH_DENIALS_THRESHOLD,
    breachDenialsWindowMinutes: s.BREACH_DENIALS_WINDOW_MINUTES,
    breachExportMinPeople: s.BREACH_EXPORT_MIN_PEOPLE,
    breachBreakGlassReviewHours: s.BREACH_BREAK_GLASS_REVIEW_HOURS,
  };
  config.privacyPolicyUrl = s.PRIVACY_POLICY_URL || `${config.publicBaseUrl}/privacy`;
  return { ...config, ...overrides };
}
