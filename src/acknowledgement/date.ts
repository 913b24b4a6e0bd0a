import { latestCalendarDay } from '../lib/clock';
import { invalidInput } from '../lib/errors';

const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Checks the date given with an acknowledgement of the confidentiality terms (4.3, practice 3) — typed by a third
 * party through their one-time link, or attested by staff — against when it could have been given: not after today,
 * and not before `since` (the link was issued, the oral disclosure was made). The date is the day on the
 * acknowledger's own calendar, which may be a day ahead of or behind the server's UTC day (time zones run from UTC−12
 * to UTC+14), so one day either side is accepted. Throws 400 naming `path` otherwise; the caller writes nothing.
 */
export function checkAcknowledgementDate(date: string, since: string, now: Date, path = 'body.date') {
  const latest = latestCalendarDay(now);
  if (date > latest) throw invalidInput('The date of the acknowledgement cannot be in the future.', [{ path, message: `must not be after ${latest}` }]);
  const earliest = utcDay(Date.parse(since) - DAY_MS);
  if (date < earliest) throw invalidInput('The date of the acknowledgement cannot be before the terms were put to them.', [{ path, message: `must not be before ${earliest}` }]);
}
