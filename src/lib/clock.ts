import { z } from 'zod';

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

/**
 * The latest calendar day (YYYY-MM-DD) it may be somewhere now: a day given on someone's own calendar may be a day
 * ahead of the server's UTC day (time zones run to UTC+14), so a day after this one has not begun anywhere.
 */
export const latestCalendarDay = (now: Date) => new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);

/**
 * An ISO 8601 instant as the API takes it (with a UTC offset, or with `offset: false` only `Z`), refused when it falls
 * after the year 9999 in UTC: such an instant is stored with an expanded year (`+010000-…`) that sorts before every
 * other, so a consent "expiring" then counted as expired the moment it was recorded.
 */
export const instant = (options: { offset: boolean } = { offset: true }) =>
  z.iso.datetime(options).refine(withinYear9999, { error: 'must not be after the year 9999 (UTC)' });

/** Whether text that reads as an instant falls within the years 0000–9999 in UTC (text that does not is left to the format check). */
function withinYear9999(text: string): boolean {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) || /^\d{4}-/.test(at.toISOString());
}
