import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Concern, ConcernView, Person, RecordView } from '../../api/models';
import { Link, personName } from '../../components/ui';

// Words and small pieces the safeguarding pages share.

export const CONCERN_FOR = [
  { id: 'child', label: 'A child (under 18)' },
  { id: 'vulnerable_adult', label: 'An adult who may be at risk' },
] as const;
export const concernForLabel = (k: string) => (k === 'child' ? 'a child' : 'an adult at risk');

export const STATUS_LABELS: Record<Concern['status'], string> = {
  raised: 'Waiting for a lead',
  acknowledged: 'Being handled',
  closed: 'Closed',
};

/** The concern's status as a badge. */
export function StatusBadge({ status }: { status: Concern['status'] }) {
  return <span className={`badge concern-${status}`}>{STATUS_LABELS[status] ?? status}</span>;
}

/** "Immediate risk" as a badge, only when the raiser said so. */
export function RiskBadge({ risk }: { risk: boolean }) {
  return risk ? <span className="badge risk-badge">Immediate risk</span> : null;
}

const relative = new Intl.RelativeTimeFormat('en-GB', { numeric: 'auto' });
/** "3 hours ago", "2 days ago": how long a concern has been waiting. */
export function ago(iso: string, now = Date.now()): string {
  const minutes = Math.min(0, Math.round((new Date(iso).getTime() - now) / 60_000));
  if (minutes === 0) return 'just now';
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}

/** One concern, with what the reader may do with it. */
export const concernQuery = (id: string) => ({
  queryKey: ['concern', id],
  queryFn: () => call<ConcernView>(api.GET('/api/concerns/{id}', { params: { path: { id } } })),
});

/**
 * Whom a concern is about: the person's name — a link when the reader may open their record (the API decides), or
 * the name the concern carries for those who work it (practice 4.1) — else the raiser's description, else "a person
 * whose record you cannot open".
 */
export function ConcernSubject({ concern, subject }: { concern: Concern; subject?: ConcernView['subject'] }) {
  const person = useQuery({
    queryKey: ['person', concern.personId],
    queryFn: () => call<RecordView<Person>>(api.GET('/api/people/{id}', { params: { path: { id: concern.personId! } } })),
    enabled: !!concern.personId,
    retry: false,
  });
  if (concern.personId && person.data) return <Link href={`/people/${concern.personId}`}>{personName(person.data.data)}</Link>;
  if (subject && !person.isPending) return <span>{personName(subject)} <span className="hint">(you may not open their record)</span></span>;
  if (concern.personDescription) return <span className="pre">{concern.personDescription}</span>;
  if (concern.personId) return <span className="muted">a person whose record you cannot open</span>;
  return <span className="muted">not described</span>;
}
