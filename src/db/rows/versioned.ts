/** The columns every versioned record has: optimistic concurrency (If-Match) and its times. */
export interface Versioned {
  created_at: string;
  updated_at: string;
  version: number;
}
