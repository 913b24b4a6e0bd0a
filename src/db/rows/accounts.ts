import type { Versioned } from './versioned';

// Accounts, sessions, API tokens, sign-in throttling, notifications and the e-mail outbox.

export interface UserRow extends Versioned {
  id: string;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  must_change_password: number;
  totp_secret: string | null;
  totp_enabled: number;
  totp_last_step: number | null; // last TOTP step used (replay protection; migration 0003)
  failed_sign_ins: number;
  locked_until: string | null;
  active: number;
  deactivated_at: string | null;
}

export interface UserRoleRow {
  user_id: string;
  role: string;
}

export interface SessionRow {
  id: string; // sha256 of the cookie value
  user_id: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  second_factor_at: string | null;
  revoked_at: string | null;
}

export interface ApiTokenRow {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string; // JSON array
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface SignInThrottleRow {
  key: string;
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface NotificationRow {
  id: string;
  user_id: string;
  kind: string;
  subject: string;
  body: string;
  resource_type: string | null;
  resource_id: string | null;
  created_at: string;
  read_at: string | null;
  emailed_at: string | null;
  settled_at: string | null; // someone did what it asked (migration 0026): no longer needs this recipient
  settled_by: string | null;
}

/** An e-mail waiting to leave, or delivered (transactional outbox). Never confidential content: a notice and a link. */
export interface EmailOutboxRow {
  id: string;
  notification_id: string | null;
  user_id: string;
  to_address: string;
  subject: string;
  body_text: string;
  created_at: string;
  status: string; // 'pending' | 'sent' | 'failed'
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  last_error: string | null;
}
