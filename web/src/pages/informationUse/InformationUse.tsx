import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { Button, Link, Loading, PageTitle, ProblemMessage, formatDate } from '../../components/ui';

// The shape of GET /api/people/:id/information-use (src/documents/information-use-pdf.ts InformationUseModel).
interface Told { why: string; withWhom: string; consequences: string; serviceImpact: string }
interface ConsentEvent { kind: 'given' | 'refused' | 'withdrawn'; on: string; sentence: string; told: Told | null }
/** A meeting whose notes went, or were made available, to someone outside the staff team (1.3; practice 2, 3). */
interface MeetingNotes { heldOn: string; sentence: string; basis: string; request: { recordedOn: string; detail: string | null } | null; recipients: { who: string; sentence: string }[] }
interface Model {
  title: string;
  preparedFor: { personId: string; name: string };
  preparedOn: string;
  preparedBy: { displayName: string; role: string };
  organisation: { name: string };
  privacyNoticeUrl: string;
  notices: { items: { sentence: string }[]; statement: string };
  consents: { items: { purpose: string; status: string; now: string; history: ConsentEvent[] }[]; statement: string };
  purposes: { items: { name: string; description: string; inUse: boolean; yourAnswer: string; lawfulBasis: string; sensitive: string | null; whyAllowed: string; information: string[]; keptFor: string }[]; statement: string };
  /** `toComplete`: the preparer may not see every disclosure (a safeguarding referral's, practice 4.1): a manager completes it. */
  disclosures: { items: { sentence: string }[]; statement: string; leftOut: string; toComplete: string | null };
  meetingNotes: { items: MeetingNotes[]; statement: string };
  access: { months: { month: string | null; label: string; lines: { short: string }[]; refusedShort: string | null }[]; statement: string; leftOut: string };
  yourRights: { withdraw: string; copy: string; contact: string; complain: string | null };
  restricted: { section: string; reason: string }[];
}

/**
 * "How your information is used" (Caldicott 8, no surprises; 4.1): the person's plain-English summary, as staff
 * on their case team or management go through it with them — printable from the browser (the print style leaves out
 * the app around it) or downloaded as the A4 PDF to hand over. The guardian reads it at the general level (3.1): the
 * parts left out are listed, and neither printing nor the PDF is offered. Preparing it is audited by the API.
 */
export default function InformationUse({ id }: { id: string }) {
  const q = useQuery({
    queryKey: ['person', id, 'information-use'],
    queryFn: () => call<Model>(api.GET('/api/people/{id}/information-use', { params: { path: { id } } })),
    retry: false,
  });
  if (q.isPending) return <Loading label="Preparing the summary…" />;
  if (q.isError) return <><PageTitle>How their information is used</PageTitle><ProblemMessage error={q.error} /></>;
  const m = q.data;
  return (
    <article className="info-use">
      <nav aria-label="Breadcrumb" className="breadcrumb no-print">
        <Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${id}`}>{m.preparedFor.name}</Link>
      </nav>
      <div className="page-head">
        <div>
          <p className="doc-org">{m.organisation.name}</p>
          <PageTitle title="How their information is used">{m.title}</PageTitle>
          <p className="muted">For {m.preparedFor.name} · prepared on {m.preparedOn} by {m.preparedBy.displayName}{m.preparedBy.role ? `, ${m.preparedBy.role}` : ''}</p>
        </div>
        {/* The copy handed to the person is the whole of it: one who reads only part (the guardian) is offered neither. */}
        {m.restricted.length ? null : (
          <div className="head-actions no-print">
            <a className="button primary" href={`/api/people/${id}/information-use.pdf`} download>Download PDF</a>
            <Button variant="secondary" onPress={() => window.print()}>Print</Button>
          </div>
        )}
      </div>
      {m.restricted.length ? (
        <div className="alert info no-print" role="note">
          <p className="alert-title">Some parts are left out because you may not read them</p>
          <ul>{m.restricted.map((r) => <li key={r.section}>{r.reason}</li>)}</ul>
        </div>
      ) : null}
      <section className="panel doc-section" aria-labelledby="iu-notices">
        <h2 id="iu-notices">What we told you when you first came to us</h2>
        <p>{m.notices.statement}</p>
        {m.notices.items.length ? <ul className="plain-list">{m.notices.items.map((n) => <li key={n.sentence}>{n.sentence}</li>)}</ul> : null}
      </section>
      <section className="panel doc-section" aria-labelledby="iu-purposes">
        <h2 id="iu-purposes">Why we use your information</h2>
        <p>{m.purposes.statement}</p>
        {m.purposes.items.map((p) => (
          <div key={p.name} className="doc-purpose">
            <h3>{p.name}</h3>
            <p>{p.description}</p>
            <dl className="fields">
              <div className="field-row"><dt>Your answer</dt><dd>{p.yourAnswer}</dd></div>
              <div className="field-row"><dt>Why the law allows it</dt><dd>{p.whyAllowed}</dd></div>
              <div className="field-row"><dt>Information used</dt><dd>{p.information.join(', ')}</dd></div>
              <div className="field-row"><dt>How long we keep it</dt><dd>{p.keptFor}</dd></div>
            </dl>
          </div>
        ))}
      </section>
      <section className="panel doc-section" aria-labelledby="iu-consents">
        <h2 id="iu-consents">What you agreed to, and any changes</h2>
        <p>{m.consents.statement}</p>
        {m.consents.items.map((c) => (
          <div key={c.purpose} className="doc-purpose">
            <h3>{c.purpose}</h3>
            <p><strong>Now:</strong> {c.now}</p>
            <ol className="plain-list">
              {c.history.map((e, i) => (
                <li key={i}>
                  {e.sentence}
                  {e.told ? <span className="hint block">We told you: {e.told.why} {e.told.withWhom} {e.told.consequences} {e.told.serviceImpact}</span> : null}
                </li>
              ))}
            </ol>
          </div>
        ))}
      </section>
      <section className="panel doc-section" aria-labelledby="iu-disclosures">
        <h2 id="iu-disclosures">Information we passed on</h2>
        {m.disclosures.toComplete ? <div className="alert warning"><p className="alert-title">To be completed by a manager</p><p>{m.disclosures.toComplete}</p></div> : null}
        <p>{m.disclosures.statement}</p>
        {m.disclosures.items.length ? <ul className="plain-list">{m.disclosures.items.map((d) => <li key={d.sentence}>{d.sentence}</li>)}</ul> : null}
        <p className="hint">{m.disclosures.leftOut}</p>
      </section>
      <section className="panel doc-section" aria-labelledby="iu-meetings">
        <h2 id="iu-meetings">Meeting notes we shared outside our staff team</h2>
        <p>{m.meetingNotes.statement}</p>
        {m.meetingNotes.items.length ? (
          <ul className="plain-list">
            {m.meetingNotes.items.map((item, i) => (
              <li key={`${item.heldOn}-${i}`}>
                {item.sentence}
                <span className="hint block">{item.basis}</span>
                {item.request?.detail ? <span className="hint block">Your request, as we wrote it down: {item.request.detail}</span> : null}
                <ul className="plain-list">{item.recipients.map((r, j) => <li key={j}>{r.sentence}</li>)}</ul>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section className="panel doc-section" aria-labelledby="iu-access">
        <h2 id="iu-access">Who has looked at your record</h2>
        <p>{m.access.statement}</p>
        {m.access.months.map((mo) => (
          <div key={mo.label}>
            <h3>{mo.label}</h3>
            <ul className="plain-list">{mo.lines.map((l) => <li key={l.short}>{l.short}</li>)}{mo.refusedShort ? <li>{mo.refusedShort}</li> : null}</ul>
          </div>
        ))}
        <p className="hint">{m.access.leftOut}</p>
      </section>
      <section className="panel doc-section" aria-labelledby="iu-rights">
        <h2 id="iu-rights">Your rights</h2>
        <p>{m.yourRights.withdraw}</p>
        <p>{m.yourRights.copy}</p>
        <p><strong>Contact:</strong> {m.yourRights.contact}</p>
        {m.yourRights.complain ? <p>{m.yourRights.complain}</p> : null}
        <p className="hint">Our privacy notice: {m.privacyNoticeUrl}</p>
      </section>
      <p className="hint">Prepared {formatDate(new Date().toISOString())}. This summary is confidential to {m.preparedFor.name}.</p>
    </article>
  );
}
