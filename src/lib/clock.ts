/** The source of "now". Injected everywhere so deadlines and expiries are testable. */
export interface Clock {
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-01-05T09:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  /** Moves time forward by the given milliseconds. */
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(at: Date): void {
    this.current = new Date(at);
  }
}

/** Adds whole minutes to an instant. */
export const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * 60_000);

/** How far ahead of the server's clock a recorded time may be: the clocks of people's devices differ by a few minutes. */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether `at` is later than `now` by more than {@link CLOCK_SKEW_MS}: it has not happened yet, so a record of what
 * has happened (when something occurred, when we became aware, when someone withdrew or was told) may not say it.
 */
export const isInFuture = (at: string | Date, now: Date) => new Date(at).getTime() > now.getTime() + CLOCK_SKEW_MS;
