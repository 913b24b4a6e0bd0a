import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { ApiError, api, call } from '../../api/client';
import { Allowed } from '../../components/Allowed';
import { Choice, Radios } from '../../components/fields';
import { Button, Loading, PageTitle, ProblemMessage } from '../../components/ui';
import { ReviewNav, words, type EqualityReport as Report, type Figure } from './shared';

type Characteristic = 'ageBand' | 'gender' | 'ethnicity' | 'disability' | 'religion' | 'sexualOrientation';
type By = 'none' | 'service' | 'quarter';
const CHARACTERISTICS: ReadonlyArray<{ id: Characteristic; label: string }> = [
  { id: 'ageBand', label: 'Age band' }, { id: 'gender', label: 'Gender' }, { id: 'ethnicity', label: 'Ethnic group' },
  { id: 'disability', label: 'Disability' }, { id: 'religion', label: 'Religion or belief' }, { id: 'sexualOrientation', label: 'Sexual orientation' },
];

/**
 * The closed periods to offer, newest first: the last eight calendar quarters and three years that have ended. The
 * API decides what is closed on its own clock and refuses an open period at the field.
 */
function closedPeriods(now = new Date()) {
  const year = now.getUTCFullYear();
  const current = Math.floor(now.getUTCMonth() / 3) + 1;
  const quarters: Array<{ id: string; label: string }> = [];
  for (let i = 1; i <= 8; i++) {
    const q = ((current - 1 - i) % 4 + 4) % 4 + 1;
    const y = year + Math.floor((current - 1 - i) / 4);
    quarters.push({ id: `${y}-Q${q}`, label: `Quarter ${q} of ${y} (${['Jan–Mar', 'Apr–Jun', 'Jul–Sep', 'Oct–Dec'][q - 1]})` });
  }
  const years = [1, 2, 3].map((i) => ({ id: String(year - i), label: `The year ${year - i}` }));
  return [...quarters, ...years];
}

const isYear = (period: string) => /^\d{4}$/.test(period);
const BY_LABEL: Record<By, string> = { none: 'Overall', service: 'By service', quarter: 'By quarter' };

/** A published figure exactly as the API gives it: "<5" and "suppressed" stay as they are, never worked out here. */
function Cell({ f, header = false }: { f: Figure; header?: boolean }) {
  const Tag = header ? 'th' : 'td';
  const title = f.suppressed === 'small' ? 'fewer than 5 people' : f.suppressed ? 'hidden so that a small number cannot be worked out' : undefined;
  return (
    <Tag className={`num ${f.suppressed ? 'suppressed' : ''}`} {...(header ? { scope: 'row' } : {})}>
      {f.display}{title ? <span className="visually-hidden"> ({title})</span> : null}
    </Tag>
  );
}

/**
 * Equality monitoring ("Equality and Diversity"; Equality Act 2010): counts of one characteristic for a closed
 * quarter or year, overall or crossed with services or quarters, exactly as the API publishes them — small numbers
 * as "<5", complementary cells and totals beside them hidden, figures rounded to 5. Nothing is added up or derived
 * here, so the page can never undo the suppression. Managers only: anyone else is told who may before any form
 * shows ({@link Allowed}).
 */
export default function EqualityReport() {
  return (
    <Allowed action="equality.report" title="Equality monitoring" who="The Senior Management Team read equality monitoring" before={<ReviewNav />}>
      <EqualityReportForm />
    </Allowed>
  );
}

/** The choice of characteristic, period and crossing, then the report the API publishes for it. */
function EqualityReportForm() {
  const periods = useMemo(() => closedPeriods(), []);
  const [characteristic, setCharacteristic] = useState<Characteristic>('ageBand');
  const [period, setPeriod] = useState<string>(periods[0].id);
  const [by, setBy] = useState<By>('none');
  const [asked, setAsked] = useState<{ characteristic: Characteristic; period: string; by: By } | null>(null);
  const crossings: By[] = isYear(period) ? ['none', 'quarter'] : ['none', 'service'];
  useEffect(() => {
    if (!crossings.includes(by)) setBy('none');
  }, [period]); // eslint-disable-line react-hooks/exhaustive-deps
  const report = useQuery({
    queryKey: ['equality', asked],
    queryFn: () => call<Report>(api.GET('/api/equality/report', { params: { query: asked! } })),
    enabled: !!asked,
    retry: false,
  });
  const fieldErrors = report.error instanceof ApiError ? report.error.fieldErrors('query') : {};
  const hasFieldErrors = Object.keys(fieldErrors).length > 0;
  useEffect(() => {
    const first = Object.keys(fieldErrors)[0];
    if (first) document.querySelector<HTMLElement>(`[data-name="${first}"], [name="${first}"]`)?.focus();
  }, [report.error]); // eslint-disable-line react-hooks/exhaustive-deps
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setAsked({ characteristic, period, by });
  };
  const r = report.data;
  return (
    <section>
      <ReviewNav />
      <PageTitle>Equality monitoring</PageTitle>
      <p className="lede">How the people we serve describe themselves, from the answers they chose to give. Counts only, for closed quarters and years, so that nobody can be picked out: fewer than 5 people show as “&lt;5”, and figures that would reveal a hidden one are hidden too.</p>
      <div className="panel">
        <Form onSubmit={submit} validationBehavior="aria" validationErrors={report.isError ? fieldErrors : {}} className="form equality-form">
          <div className="form-body">
            {report.error && !hasFieldErrors ? <ProblemMessage error={report.error} /> : null}
            {hasFieldErrors ? <div className="alert error" role="alert"><p className="alert-title">{report.error instanceof Error ? report.error.message : 'Choose another period'}</p></div> : null}
            <div className="equality-choices">
              <Choice name="characteristic" label="Characteristic" value={characteristic} onChange={setCharacteristic} options={CHARACTERISTICS} isRequired />
              <Choice name="period" label="Period (closed quarters and years only)" value={period} onChange={setPeriod} options={periods} isRequired />
              <Radios name="by" label="Show" value={by} onChange={setBy} options={crossings.map((id) => ({ id, label: BY_LABEL[id] }))} isRequired />
            </div>
            <div className="actions"><Button type="submit">Show the report</Button></div>
          </div>
        </Form>
      </div>
      {report.isFetching ? <Loading /> : null}
      {r ? <ReportTable r={r} /> : null}
    </section>
  );
}

/** The published table, each figure as the API gave it, with its method in words. */
function ReportTable({ r }: { r: Report }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The report just asked for takes focus, so the figures are what is read next.
  useEffect(() => heading.current?.focus(), [r]);
  const single = r.by === 'none';
  const period = isYear(r.period) ? `the year ${r.period}` : r.period.replace(/^(\d{4})-Q(\d)$/, 'quarter $2 of $1');
  return (
    <section className="panel equality-report" aria-labelledby="report-title">
      <h2 id="report-title" tabIndex={-1} ref={heading}>{r.title}, {period}{single ? '' : ` — ${BY_LABEL[r.by].toLowerCase()}`}</h2>
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="report-title">
        <table className="table equality-table">
          <caption className="visually-hidden">{r.title} for {period}: people by category{single ? '' : `, ${BY_LABEL[r.by].toLowerCase()}`}</caption>
          <thead>
            <tr>
              <th scope="col">{r.title}</th>
              {single ? <th scope="col" className="num">People</th> : r.labels.map((l) => <th key={l} scope="col" className="num">{l}</th>)}
              {single ? null : <th scope="col" className="num">Total</th>}
            </tr>
          </thead>
          <tbody>
            {r.rows.map((row) => (
              <tr key={row.category}>
                <th scope="row">{words(row.category)}</th>
                {row.cells.map((c, j) => <Cell key={r.labels[j] ?? j} f={c} />)}
                {single ? null : <Cell f={row.total} />}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              {r.columnTotals.map((c, j) => <Cell key={r.labels[j] ?? j} f={c} />)}
              {single ? null : <Cell f={r.total} />}
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="hint">{r.method.description}</p>
    </section>
  );
}
