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
 * The earliest instant the API takes: 1900-01-01T00:00:00Z. An instant before it is a default or a slip (0001-01-01,
 * a two-digit year typed as 0026), never a record: taken, it put a breach's 72-hour ICO deadline in year 1. Not
 * later: a concern may be about harm long ago (an adult telling of their childhood), and a breach may have begun
 * years before anyone knew. Days of birth are dates, not instants, and are not bound by it.
 */
export const EARLIEST_INSTANT = '1900-01-01T00:00:00.000Z';
/** The year of {@link EARLIEST_INSTANT}, as messages name it. */
const EARLIEST_YEAR = EARLIEST_INSTANT.slice(0, 4);

/** Whether the value met every check so far (the format): the range checks read only instants. */
const wellFormed = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;

/**
 * An ISO 8601 instant as the API takes it (with a UTC offset, or with `offset: false` only `Z`), within the years
 * 1900–9999 in UTC: refused before {@link EARLIEST_INSTANT} (see there), and after the year 9999, where an instant is
 * stored with an expanded year (`+010000-…`) that sorts before every other, so a consent "expiring" then counted as
 * expired the moment it was recorded. Text that is not an instant gets the format error alone: the range is checked
 * only on an instant (a `-000001-…` year is a format error, not one "after the year 9999").
 */
export const instant = (options: { offset: boolean } = { offset: true }) =>
  z.iso
    .datetime(options)
    .refine(notBeforeEarliest, { error: `must not be before the year ${EARLIEST_YEAR} (UTC)`, when: wellFormed })
    .refine(withinYear9999, { error: 'must not be after the year 9999 (UTC)', when: wellFormed });

/** Whether an instant falls on or after {@link EARLIEST_INSTANT} (compared as times, whatever its offset). */
function notBeforeEarliest(text: string): boolean {
  return new Date(text).getTime() >= Date.parse(EARLIEST_INSTANT);
}

/** Whether an instant falls within the year 9999 in UTC at the latest (after it, its ISO text has an expanded year). */
function withinYear9999(text: string): boolean {
  const at = new Date(text);
  return Number.isNaN(at.getTime()) || /^\d{4}-/.test(at.toISOString());
}
