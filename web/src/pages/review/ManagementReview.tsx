import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import { ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDate, formatDateTime } from '../../components/ui';
import BarChart from './BarChart';
import { PolicyReviewBanner } from './PolicyReviewBanner';
import { ReviewNav, monthLabel, words, type Point, type ReviewView } from './shared';

const BASIS = { consent: 'Consent', agreement: 'Sharing agreement', exception: 'Exception to consent' } as Record<string, string>;
// The longer something waits, the warmer its bar (each at least 3:1 against white; the table gives the figures).
const PRIMARY = '#0f5466';
const LATE = '#a8261b';
const AGE_COLOURS = [PRIMARY, PRIMARY, '#b35900', LATE];
/** Why an open case takes nothing new, in words, with the name of the purpose it is held for. */
const HELD_FOR_GAP: Record<'none' | 'retired' | 'review_due' | 'draft', (name: string) => string> = {
  none: () => 'no purpose named',
  retired: (name) => `held for “${name}”, retired`,
  review_due: (name) => `held for “${name}”, past its review`,
  draft: (name) => `held for “${name}”, not approved`,
};
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A section of the review: its heading with the count, what it shows, and where to act. */
function ReviewSection({ id, title, count, children, action, wide = false }: { id: string; title: string; count: number; children: ReactNode; action?: ReactNode; wide?: boolean }) {
  return (
    <section className={`panel review-section ${wide ? 'wide' : ''}`} aria-labelledby={`${id}-title`} id={id}>
      <div className="panel-head">
        <h2 id={`${id}-title`}>{title} <span className={`review-count ${count ? 'attention' : 'clear'}`}>{count}</span></h2>
        {action}
      </div>
      {children}
    </section>
  );
}

/** A short series as a table, one column per bar: its text alternative, and the figures for whoever prefers them. */
function FiguresTable({ caption, series, unit }: { caption: string; series: Point[]; unit: string }) {
  return (
    // Scrolls sideways on a narrow screen: focusable, so a keyboard can scroll it too (WCAG 2.1.1).
    <div className="table-wrap" tabIndex={0} role="region" aria-label={`${caption}: figures`}>
      <table className="table figures-table">
        <caption>{caption}</caption>
        <thead><tr><th scope="col">{unit}</th>{series.map((p) => <th key={p.label} scope="col" className="num">{words(p.label)}</th>)}</tr></thead>
        <tbody><tr><th scope="row">Count</th>{series.map((p) => <td key={p.label} className="num">{p.value}</td>)}</tr></tbody>
      </table>
    </div>
  );
}

/** A series worth seeing at a glance: the chart, and beside it the same figures as a table. */
function ChartWithFigures({ caption, series, unit, colours }: { caption: string; series: Point[]; unit: string; colours?: string[] }) {
  return (
    <div className="chart-figures">
      <figure className="chart">
        <BarChart labels={series.map((p) => words(p.label))} series={[{ label: caption, data: series.map((p) => p.value), colour: colours }]} />
        <figcaption className="visually-hidden">{caption}: a bar chart; the figures are in the table beside it.</figcaption>
      </figure>
      <FiguresTable caption={caption} series={series} unit={unit} />
    </div>
  );
}

/** The series in one sentence, for sections with too few figures to chart. */
const inWords = (series: Point[]) => series.map((p) => `${p.value} ${p.label}`).join(' · ');

/** A list of the section's records with a link to each, or a line saying there is nothing to do. */
function Items<I extends { id: string }>({ items, count, empty, render }: { items: I[]; count: number; empty: string; render: (i: I) => ReactNode }) {
  if (!count) return <p className="review-clear">{empty}</p>;
  return (
    <>
      <ul className="review-items">{items.map((i) => <li key={i.id}>{render(i)}</li>)}</ul>
      {count > items.length ? <p className="muted">Showing the first {items.length} of {count}.</p> : null}
    </>
  );
}

/**
 * The management review ("Monitoring and Review": the Senior Management Team regularly review the operation of the
 * policy; 3.6): when the policy itself is due for review, and what needs attention in each area, as counts, charts
 * where a glance says more than a list (concerns by age, disclosures by basis over time, reviews due) — each with
 * its figures as a table — and links to the records. Managers only; the API refuses anyone else and says why.
 */
export default function ManagementReview() {
  const view = useQuery({ queryKey: ['review', 'view'], queryFn: () => call<ReviewView>(api.GET('/api/review')) });
  const v = view.data;
  const s = v?.sections;
  return (
    <section>
      <ReviewNav />
      <PageTitle>Management review</PageTitle>
      <p className="lede">What needs the Senior Management Team’s attention across the confidentiality policy. Counts and charts only: names and details are on each record, for those who need to know.</p>
      <ProblemMessage error={view.error} />
      {view.isPending ? <Loading /> : null}
      {v && s ? (
        <>
          <PolicyReviewBanner status={v.policyReview} />
          <nav aria-label="Sections of the review" className="review-summary">
            <ul>
              {([
                ['purposes', 'Purposes due for review', s.purposesDue.count],
                ['cases-without-purpose', 'Cases without a purpose in force', s.casesWithoutPurpose.count],
                ['consents', 'Consents expiring', s.consentsExpiring.count],
                ['ask-again', 'Consents to ask again', s.consentsToAskAgain.count],
                ['break-glass', 'Break-glass uses to review', s.breakGlassAwaitingReview.count],
                ['concerns', 'Open concerns', s.openConcerns.count],
                ['breaches', 'Open breaches', s.openBreaches.count],
                ['acceptance', 'Policy not accepted', s.policyNotAccepted.count],
                ['disclosures', 'Disclosures in 12 months', s.disclosuresByBasis.count],
                ['agreements', 'Agreements to review', s.agreementsToReview.count],
              ] as const).map(([id, label, n]) => (
                <li key={id}><a href={`#${id}`} className={`summary-tile ${n && id !== 'disclosures' ? 'attention' : ''}`}><span className="summary-count">{n}</span><span>{label}</span></a></li>
              ))}
            </ul>
          </nav>
          <p className="muted">As of {formatDateTime(v.asOf)}; “due” and “ending” look {v.withinDays} days ahead.</p>
          <div className="review-grid">
            <ReviewSection id="concerns" title="Open safeguarding concerns, by age" count={s.openConcerns.count} action={<Link href="/concerns">Concerns inbox</Link>}>
              <ChartWithFigures caption="Open concerns by how long they have been open" series={s.openConcerns.series} unit="Open for" colours={AGE_COLOURS} />
              <Items items={s.openConcerns.items} count={s.openConcerns.count} empty="No concern is open." render={(c) => (
                <><Link href={`/concerns/${c.id}`}>Concern raised {formatDate(c.raisedAt)}</Link> <span className="muted">— {words(c.status)}, {plural(c.ageDays, 'day')} open{c.immediateRisk ? ', immediate risk' : ''}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="purposes" title="Purposes due for review" count={s.purposesDue.count} action={<Link href="/purposes?status=review_due">Purposes</Link>}>
              <ChartWithFigures caption="Purposes due for review" series={s.purposesDue.series} unit="Review" colours={[LATE, PRIMARY]} />
              <Items items={s.purposesDue.items} count={s.purposesDue.count} empty="No purpose is due for review." render={(p) => (
                <><Link href={`/purposes/${p.id}`}>{p.label}</Link> <span className={p.overdue ? 'badge warn' : 'muted'}>{p.overdue ? `Overdue since ${formatDate(p.nextReviewOn)}` : `Due ${formatDate(p.nextReviewOn)}`}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="cases-without-purpose" title="Open cases not held for a purpose in force" count={s.casesWithoutPurpose.count}>
              <p className="series-text">{inWords(s.casesWithoutPurpose.series)}. Nothing new goes into these cases until a manager moves each to a purpose in force (2.1).</p>
              <Items items={s.casesWithoutPurpose.items} count={s.casesWithoutPurpose.count} empty="Every open case is held for a purpose in force." render={(c) => (
                <><Link href={`/cases/${c.id}`}>Case opened {formatDate(c.openedOn)}</Link> <span className="muted">— {HELD_FOR_GAP[c.reason](c.label)}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="disclosures" wide title="Disclosures by basis, month by month" count={s.disclosuresByBasis.count} action={<Link href="/disclosures">Disclosure register</Link>}>
              <Disclosures d={s.disclosuresByBasis} />
            </ReviewSection>
            <ReviewSection id="breaches" title="Open breaches and their 72-hour deadlines" count={s.openBreaches.count} action={<Link href="/breaches">Breach register</Link>}>
              <p className="series-text">{inWords(s.openBreaches.series)}</p>
              <Items items={s.openBreaches.items} count={s.openBreaches.count} empty="No breach is open." render={(b) => (
                <><Link href={`/breaches/${b.id}`}>Breach reported {formatDate(b.reportedAt)}</Link> <span className={b.clock.state === 'overdue' ? 'badge warn' : 'muted'}>{clockText(b.clock, b.icoDeadlineAt)}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="break-glass" title="Break-glass uses awaiting review" count={s.breakGlassAwaitingReview.count} action={<Link href="/access/break-glass">Review them</Link>}>
              <p className="series-text">{inWords(s.breakGlassAwaitingReview.series.map((p) => ({ ...p, label: `open ${p.label}` })))}</p>
              <Items items={s.breakGlassAwaitingReview.items} count={s.breakGlassAwaitingReview.count} empty="Every emergency access has been reviewed." render={(g) => (
                <><Link href="/access/break-glass">{g.label}</Link> <span className="muted">— opened a {words(g.resourceType).toLowerCase()} record {formatDateTime(g.openedAt)}, {plural(g.ageDays, 'day')} ago</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="consents" title="Consents expiring" count={s.consentsExpiring.count}>
              <p className="series-text">{inWords(s.consentsExpiring.series)}</p>
              <Items items={s.consentsExpiring.items} count={s.consentsExpiring.count} empty="No consent expires soon." render={(c) => (
                <><Link href={`/people/${c.personId}`}>Consent for “{c.label}”</Link> <span className="muted">— expires {formatDate(c.expiresAt)}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="ask-again" title="Consents to ask for again" count={s.consentsToAskAgain.count}>
              <p className="series-text">{inWords(s.consentsToAskAgain.series)}</p>
              <Items items={s.consentsToAskAgain.items} count={s.consentsToAskAgain.count} empty="Every consent in force was given by someone who could give it." render={(c) => (
                <><Link href={`/people/${c.personId}`}>Consent for “{c.label}”</Link> <span className="muted">— recorded {formatDate(c.recordedAt)}; {c.reason === 'now-of-age' ? 'a parent answered, and the person is now 16 or over: ask them' : 'given while under 16 without an assessment of competence: ask again'}</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="acceptance" title="Users who have not accepted the current policy" count={s.policyNotAccepted.count}>
              <p className="series-text">{s.policyNotAccepted.policyVersion ? `Version ${s.policyNotAccepted.policyVersion}: ` : ''}{inWords(s.policyNotAccepted.series)}</p>
              <Items items={s.policyNotAccepted.items} count={s.policyNotAccepted.count} empty="Everyone has accepted the current policy." render={(u) => (
                <><Link href={`/admin/accounts/${u.id}`}>{u.label}</Link> <span className="muted">({u.username})</span></>
              )} />
            </ReviewSection>
            <ReviewSection id="agreements" title="Sharing agreements ending or due for review" count={s.agreementsToReview.count} action={<Link href="/agreements/review">Agreements to review</Link>}>
              <Items items={s.agreementsToReview.items} count={s.agreementsToReview.count} empty={`No agreement ends or is due for review within ${v.withinDays} days.`} render={(a) => (
                <>
                  <Link href={`/agreements/${a.id}`}>{a.label}</Link>{' '}
                  <span className={a.reviewOverdue ? 'review-overdue' : 'muted'}>— review {a.reviewOverdue ? 'overdue since' : 'by'} {formatDate(a.reviewOn)}</span>
                  <span className="muted">, ends {formatDate(a.endsOn)}</span>
                </>
              )} />
            </ReviewSection>
          </div>
          <p><ButtonLink href="/review/equality">Equality monitoring report</ButtonLink></p>
        </>
      ) : null}
    </section>
  );
}

/** The ICO clock of a breach in words (clause 5; UK GDPR Art 33). */
function clockText(clock: { state: string; minutesLeft: number | null }, deadline: string) {
  if (clock.state === 'overdue') return `ICO deadline passed ${formatDateTime(deadline)}`;
  if (clock.state === 'running') return `ICO deadline ${formatDateTime(deadline)} (${Math.floor((clock.minutesLeft ?? 0) / 60)} h left)`;
  if (clock.state === 'not-required') return 'ICO report not required';
  return clock.state === 'reported-late' ? 'Reported to the ICO late' : 'Reported to the ICO';
}

/** Disclosures released per month and basis: a stacked bar chart, and the same figures as a table. */
function Disclosures({ d }: { d: ReviewView['sections']['disclosuresByBasis'] }) {
  const months = d.labels.map(monthLabel);
  return (
    <>
      <figure className="chart">
        <BarChart labels={months} series={d.series.map((s) => ({ label: BASIS[s.label] ?? s.label, data: s.data }))} tall />
        <figcaption className="visually-hidden">Disclosures released per month, stacked by basis: a bar chart; the figures are in the table below.</figcaption>
      </figure>
      <p className="series-text">{d.totals.map((t) => `${t.value} by ${(BASIS[t.label] ?? t.label).toLowerCase()}`).join(' · ')} over {d.labels.length} months.</p>
      <details className="figures-details">
        <summary>The figures, month by month</summary>
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Disclosures per month: figures">
          <table className="table figures-table">
            <caption>Disclosures released per month, by basis</caption>
            <thead><tr><th scope="col">Month</th>{d.series.map((s) => <th key={s.label} scope="col" className="num">{BASIS[s.label] ?? s.label}</th>)}</tr></thead>
            <tbody>{months.map((m, i) => <tr key={m}><th scope="row">{m}</th>{d.series.map((s) => <td key={s.label} className="num">{s.data[i]}</td>)}</tr>)}</tbody>
          </table>
        </div>
      </details>
      <Items items={d.items.slice(0, 5)} count={d.count ? Math.min(d.count, 5) : 0} empty="No disclosure was released in this time." render={(x) => (
        <><Link href={`/disclosures/${x.id}`}>{x.label}</Link> <span className="muted">— {(BASIS[x.basis] ?? x.basis).toLowerCase()}, released {formatDate(x.releasedAt)}</span></>
      )} />
    </>
  );
}
