import { useEffect, useState } from 'react';
import { formatDateTime } from '../../components/ui';
import type { IcoClock } from './types';

/** "41 h 12 min", "3 days 2 h", "25 min". */
export function duration(minutes: number): string {
  const m = Math.abs(minutes);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 96) return `${h} h ${m % 60} min`; // the 72 hours read as hours
  return `${Math.floor(h / 24)} days ${h % 24} h`;
}

/** How urgent a running clock is: calm with more than a day left, warning within a day, urgent within 12 hours or past. */
export const urgency = (clock: IcoClock, minutesLeft: number | null) =>
  clock.state === 'overdue' || (minutesLeft !== null && minutesLeft <= 12 * 60) ? 'urgent' : minutesLeft !== null && minutesLeft <= 24 * 60 ? 'soon' : clock.state === 'running' ? 'calm' : 'stopped';

/** Minutes left on the clock now, ticking every 30 seconds from the deadline the API gave. */
function useMinutesLeft(clock: IcoClock): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (clock.minutesLeft === null) return undefined;
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [clock.minutesLeft]);
  if (clock.minutesLeft === null) return null;
  return Math.floor((new Date(clock.deadlineAt).getTime() - now) / 60_000);
}

/** The clock's state in a few words, for lists. */
export function clockWords(clock: IcoClock, left: number | null): string {
  switch (clock.state) {
    case 'reported': return 'ICO told in time';
    case 'reported-late': return 'ICO told after 72 hours';
    case 'not-required': return 'No ICO report needed';
    default: return left !== null && left <= 0 ? `Overdue by ${duration(left)}` : `${duration(left ?? 0)} left`;
  }
}

/** A small badge with the ICO clock, for the register's list. */
export function ClockBadge({ clock }: { clock: IcoClock }) {
  const left = useMinutesLeft(clock);
  return <span className={`badge clock-badge clock-${urgency(clock, left)}`}>{clockWords(clock, left)}</span>;
}

/**
 * The 72-hour ICO clock (UK GDPR Art 33(1); clause 5): the time left from awareness to the deadline, as a bar that
 * empties and turns amber within a day and red within 12 hours or once overdue. It is a `timer`, so screen readers
 * do not announce every tick; its words say the same as the bar.
 */
export function IcoCountdown({ clock }: { clock: IcoClock }) {
  const left = useMinutesLeft(clock);
  const level = urgency(clock, left);
  const total = 72 * 60;
  const used = left === null ? total : Math.min(total, Math.max(0, total - left));
  return (
    <section className={`ico-clock clock-${level}`} aria-labelledby="ico-clock-title">
      <h2 id="ico-clock-title">Telling the ICO: the 72-hour clock</h2>
      <p className="ico-clock-big" role="timer">
        {clock.state === 'running' ? <><strong>{duration(left ?? 0)}</strong> left</> : clock.state === 'overdue' || (left !== null && left <= 0) ? <><strong>Overdue</strong> by {duration(left ?? 0)}</> : <strong>{clockWords(clock, left)}</strong>}
      </p>
      {left !== null ? (
        <div className="ico-clock-bar" aria-hidden="true"><span className={`ico-clock-fill w${Math.round((used / total) * 20) * 5}`} /></div>
      ) : null}
      <p className="ico-clock-detail">
        Aware since {formatDateTime(clock.awareAt)} · deadline <time dateTime={clock.deadlineAt}>{formatDateTime(clock.deadlineAt)}</time>
      </p>
      {level === 'urgent' && clock.state !== 'not-required' ? (
        <p className="ico-clock-advice">{left !== null && left <= 0 ? 'Report to the ICO now and record the reasons for the delay, or record why no report is needed.' : 'Less than 12 hours left: report to the ICO, or record why no report is needed.'}</p>
      ) : null}
    </section>
  );
}
