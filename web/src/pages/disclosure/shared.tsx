import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { AttachmentSummary, NoteSummary, Page, Purpose } from '../../api/models';
import type { Disclosure, DisclosureBasis, DisclosureStatus, ExceptionGround, NotSoughtBecause } from '../../api/sharing';
import { Link, formatDate } from '../../components/ui';
import { CLASSIFICATION_LABELS } from '../../labels';

// Words and small pieces the disclosure pages share (1.2, 1.3, 4.3).

export const STATUS_LABELS: Record<DisclosureStatus, { label: string; tone: string }> = {
  awaiting_approval: { label: 'Waiting for a manager', tone: 'pending' },
  awaiting_acknowledgement: { label: 'Waiting for the recipient', tone: 'pending' },
  acknowledged: { label: 'Ready to release', tone: 'ready-badge' },
  released: { label: 'Released', tone: 'ok' },
  refused: { label: 'Refused', tone: 'warn' },
};
/**
 * The disclosure's status as a badge; a disclosure still waiting to go out whose consent was withdrawn (1.3) reads
 * "Consent withdrawn" with the date, and one whose sharing agreement ended (practice 5.1) "Agreement ended" with the
 * date — never "Ready to release".
 */
export function DisclosureStatusBadge({ status, consentWithdrawnAt, agreementEndedAt, purposeNotInForce }: {
  status: DisclosureStatus; consentWithdrawnAt?: string | null; agreementEndedAt?: string | null; purposeNotInForce?: Disclosure['purposeNotInForce'];
}) {
  if (consentWithdrawnAt) return <span className="badge warn">Consent withdrawn {formatDate(consentWithdrawnAt)}</span>;
  if (agreementEndedAt) return <span className="badge warn">Agreement ended {formatDate(agreementEndedAt)}</span>;
  if (purposeNotInForce) return <span className="badge warn">{purposeStateWords(purposeNotInForce)}</span>;
  const s = STATUS_LABELS[status] ?? { label: status, tone: 'muted-badge' };
  return <span className={`badge ${s.tone}`}>{s.label}</span>;
}

export const BASIS_LABELS: Record<DisclosureBasis, string> = {
  consent: 'Their consent',
  agreement: 'A sharing agreement',
  exception: 'Without consent (exception)',
};
export const GROUNDS: ReadonlyArray<{ id: ExceptionGround; label: string; description: string }> = [
  { id: 'legal_duty', label: 'The law requires it', description: 'Police, a safeguarding team or a court order: give its reference' },
  { id: 'emergency', label: 'An emergency or a risk to public safety', description: 'Someone is at risk of serious harm now' },
  { id: 'crime', label: 'To prevent or detect a crime', description: '' },
];
export const groundLabel = (g: string | null) => GROUNDS.find((x) => x.id === g)?.label ?? '';

/**
 * Whether the person was asked for their consent first, as an exception's request answers it (1.3, 4.1): one choice,
 * sent as the API's `consentSought` with what they answered or why they were not asked ({@link consentSoughtBody}).
 * Asked and agreed is offered so the form can say what to do instead: share on their consent, not on an exception.
 */
export type ConsentSoughtChoice = 'refused' | 'agreed' | NotSoughtBecause;
export const CONSENT_SOUGHT_CHOICES: ReadonlyArray<{ id: ConsentSoughtChoice; label: string; description: string }> = [
  { id: 'refused', label: 'Yes, and they refused', description: 'They were asked and said no' },
  { id: 'agreed', label: 'Yes, and they agreed', description: 'Then it is not an exception: record their consent and share on it' },
  { id: 'not_possible', label: 'No: asking them was not possible', description: 'For example, they could not be reached in time' },
  { id: 'not_safe', label: 'No: asking them was not safe, or would prejudice the purpose', description: 'For example, it could put someone at risk or alert someone under investigation' },
  { id: 'emergency', label: 'No: an emergency left no time to ask', description: '' },
];
/** The choice as the API's answer (src/disclosure/schema.ts). */
export const consentSoughtBody = (c: ConsentSoughtChoice) => (c === 'refused' || c === 'agreed' ? { consentSought: true, consentAnswer: c } : { consentSought: false, notSoughtBecause: c });

const NOT_SOUGHT_TEXT: Readonly<Record<NotSoughtBecause, string>> = {
  not_possible: 'Not asked: asking them was not possible',
  not_safe: 'Not asked: it was not safe, or would prejudice the purpose',
  emergency: 'Not asked: an emergency left no time',
};
/** Whether an exception's person was asked first, as recorded, in a few words; "not recorded" for one asked for before it was. */
export const consentSoughtText = (d: Pick<Disclosure, 'consentSought' | 'consentAnswer' | 'notSoughtBecause'>) =>
  d.consentSought === true ? (d.consentAnswer === 'refused' ? 'Asked first: they refused' : 'Asked first')
    : d.consentSought === false ? (d.notSoughtBecause ? NOT_SOUGHT_TEXT[d.notSoughtBecause] : 'Not asked') : 'Whether they were asked first: not recorded';
/** An ordinary exception — not a safeguarding referral, whose own answers say whether the person was asked. */
export const isOrdinaryException = (d: Pick<Disclosure, 'basis' | 'concernId'>) => d.basis === 'exception' && !d.concernId;

/**
 * "Their consent", "Under agreement: <its title>", "Without consent (exception): the law requires it", or for a
 * safeguarding referral "Safeguarding referral: the law requires it" — a referral rests on the legal duty whether or
 * not the person was asked, and its own answers say whether they were (1.3, practice 4.3), so it never reads as
 * "without consent" of someone who may have agreed.
 */
export const basisText = (d: Pick<Disclosure, 'basis' | 'exceptionGround' | 'agreement' | 'concernId'>) =>
  d.basis === 'exception' && d.concernId ? `Safeguarding referral: ${groundLabel(d.exceptionGround).toLowerCase()}`
    : d.basis === 'exception' ? `${BASIS_LABELS.exception}: ${groundLabel(d.exceptionGround).toLowerCase()}`
    : d.basis === 'agreement' && d.agreement ? `Under agreement: ${d.agreement.title}` : BASIS_LABELS[d.basis] ?? d.basis;

export const categoryList = (cs: readonly string[]) => cs.map((c) => CLASSIFICATION_LABELS[c]?.label ?? c).join(', ');

/** Organisations by id, for naming recipients and partners (the first 100 of the register, by name). */
export function useOrganisations() {
  const q = useQuery({
    queryKey: ['organisations', 'names'],
    queryFn: () => call<Page<{ id: string; name: string; kind: string }>>(api.GET('/api/organisations', { params: { query: { limit: 100 } } })),
    staleTime: 60_000,
  });
  const byId = new Map((q.data?.items ?? []).map((o) => [o.id, o.name]));
  return { list: q.data?.items ?? [], name: (id: string) => byId.get(id) ?? 'an organisation', query: q };
}

/** Every purpose of the register (retired ones too, to name past disclosures), and the active ones to choose from. */
export function usePurposes() {
  const q = useQuery({
    queryKey: ['purposes', 'all'],
    queryFn: () => call<Page<Purpose>>(api.GET('/api/purposes', { params: { query: { limit: 100 } } })),
    staleTime: 60_000,
  });
  const all = q.data?.items ?? [];
  return { all, active: all.filter((p) => p.status === 'active'), name: (id: string) => all.find((p) => p.id === id)?.name ?? 'a purpose', query: q };
}

/** An organisation's kind in a sentence ("its recipients do not include a partner agency"). */
const KIND_WORDS: Readonly<Record<string, string>> = {
  partner_agency: 'a partner agency', local_authority: 'a local authority', police: 'the police', funder: 'a funder', business: 'a business',
};

/**
 * The kinds of organisation only their own recipient category reaches — “named partner organisation” never does
 * (src/purposes/reaches.ts) — with that category, to say what a purpose must list.
 */
const OWN_CATEGORY_ONLY: Readonly<Record<string, string>> = { funder: 'funder', business: 'business' };

/**
 * Why a purpose cannot go to the organisation chosen ("its recipients do not include …"), or null when it can (or
 * nothing is chosen yet): read from the purpose's `reaches`, the kinds of organisation the server's rule
 * disclosure/recipient-within-purpose lets it go to (3.1; src/purposes/reaches.ts) — the rule is not copied here, and
 * the server still decides.
 */
export function unreachableFor(purpose: Pick<Purpose, 'reaches'>, org: { name: string; kind: string } | undefined): string | null {
  if (!org || !purpose.reaches || purpose.reaches.includes(org.kind)) return null;
  const own = OWN_CATEGORY_ONLY[org.kind];
  // A funder or a business: only its own category reaches it, never “named partner organisation”.
  if (own) return `its recipients do not include ${KIND_WORDS[org.kind]}: a purpose that may go to ${KIND_WORDS[org.kind]} lists “${own}” — “named partner organisation” never reaches ${KIND_WORDS[org.kind]} (policy 3.1, 4.3)`;
  const whom = KIND_WORDS[org.kind] ? `${KIND_WORDS[org.kind]} or a named partner organisation` : 'this organisation: only “named partner organisation” reaches an organisation of another kind';
  return `its recipients do not include ${whom} (policy 3.1)`;
}

/**
 * Whether an item carries session details as the server classifies it: every note — its account, “What happened”, is
 * session details whatever its kind (src/notes/record.ts) — and a document filed as session details. Such an item goes
 * to no third party unless the person asked for it, recorded with the request (practice 2).
 */
export const carriesSessionDetails = (item: NoteSummary | AttachmentSummary) => !('classification' in item) || item.classification === 'session';
/** What an item carrying session details says where items are chosen. */
export const NEEDS_REQUEST = 'session details: goes only if they asked for it, with their request recorded below';
/** The label and hint of the field recording the person's request for their session details to go (practice 2). */
export const CLIENT_REQUEST_FIELD = {
  label: 'How and when they asked for their session details to be shared',
  description: 'Needed for the items marked “session details”: they go to no one outside the staff team unless the person asked for it (practice 2).',
} as const;

/** The items a request names, as sent: ids (and field names) in the order the API's paths count them. */
export interface SentItems {
  personFields: readonly string[];
  notes: readonly string[];
  attachments: readonly string[];
}
/** One item a refusal names: which it is, and the API's message about it. */
export interface ItemAtFault {
  kind: 'personFields' | 'notes' | 'attachments' | 'concern';
  id: string;
  message: string;
}

/**
 * The items a refusal names: its errors at `${prefix}.notes.0` and the like (src/disclosure/items.ts,
 * src/disclosure/refusals.ts) mapped back to the items sent, each with its message; `others` holds the rest of the
 * errors. `prefix` is "body.items" for a disclosure, "body.share.items" for a referral.
 */
export function itemsAtFault(error: unknown, prefix: string, sent: SentItems): { items: ItemAtFault[]; others: { path: string; message: string }[] } {
  const items: ItemAtFault[] = [];
  const others: { path: string; message: string }[] = [];
  if (!(error instanceof ApiError)) return { items, others };
  for (const e of error.problem.errors ?? []) {
    const m = e.path.startsWith(`${prefix}.`) ? /^(personFields|notes|attachments)\.(\d+)$/.exec(e.path.slice(prefix.length + 1)) : null;
    const id = m ? sent[m[1] as 'notes'][Number(m[2])] : undefined;
    if (m && id !== undefined) items.push({ kind: m[1] as ItemAtFault['kind'], id, message: e.message });
    else if (e.path === `${prefix}.concern`) items.push({ kind: 'concern', id: 'concern', message: e.message });
    else others.push(e);
  }
  return { items, others };
}

/**
 * A refusal's list of the items at fault: each named, with the API's words. A need-to-know refusal ends "— request
 * access" (src/policy/rules): those words become a link to where access is asked for (`accessHref`: the note's page,
 * the person's, the case's), never plain text.
 */
export function ItemsAtFault({ items, label, accessHref }: { items: ItemAtFault[]; label: (i: ItemAtFault) => string; accessHref: (i: ItemAtFault) => string | null }) {
  if (!items.length) return null;
  return (
    <ul className="refusal-options refusal-items">
      {items.map((i) => <li key={`${i.kind}:${i.id}:${i.message}`}><strong>{label(i)}</strong>: {withAccessLink(i.message, accessHref(i), label(i))}</li>)}
    </ul>
  );
}

/** The API's sentence with its closing "— request access" as a link to `href` (unchanged without one). */
function withAccessLink(message: string, href: string | null, what: string): ReactNode {
  const m = /^(.*?)\s*[—-]\s*request access\.?$/i.exec(message);
  if (!m || !href) return message;
  return <>{m[1]} — <Link href={href}>request access<span className="visually-hidden"> to {what}</span></Link>.</>;
}

/** One line of a disclosure register: to whom, for what, on which basis, where it is up to. */
export function DisclosureCard({ d, orgName, purposeName, showPerson }: { d: Disclosure; orgName: string; purposeName: string; showPerson?: boolean }) {
  return (
    <li className={`card disclosure-card status-line-${d.status}`}>
      <div className="disclosure-card-main">
        <p className="card-title">
          <Link href={`/disclosures/${d.id}`}>To {orgName}<span className="visually-hidden">, reference {d.reference}</span></Link>
        </p>
        <p className="disclosure-meta">
          {d.recipientName}, {d.recipientRole} · for “{purposeName}” · {basisText(d)}{isOrdinaryException(d) ? ` · ${consentSoughtText(d)}` : ''}
        </p>
        <p className="disclosure-meta">
          <span className="reference">{d.reference}</span> · {d.itemCount === 1 ? '1 item' : `${d.itemCount} items`} ({categoryList(d.dataCategories)}) · asked {formatDate(d.requestedAt)}
          {d.releasedAt ? ` · released ${formatDate(d.releasedAt)}` : ''}
          {showPerson ? <> · <Link href={`/people/${d.personId}`}>the person</Link></> : null}
        </p>
      </div>
      <div className="disclosure-badges">
        <DisclosureStatusBadge status={d.status} consentWithdrawnAt={d.consentWithdrawnAt} agreementEndedAt={d.agreementEndedAt} purposeNotInForce={d.purposeNotInForce} />
        {d.status === 'released' && d.tellPerson !== false ? (
          <span className={`badge ${d.personToldAt ? 'muted-badge' : 'told-due'}`}>{d.personToldAt ? `Told ${formatDate(d.personToldAt)}` : 'Person not told yet'}</span>
        ) : null}
      </div>
    </li>
  );
}

/** The day of an instant (default now) as YYYY-MM-DD in the browser's time zone. */
export const dayLocal = (at: string | Date = new Date()) => {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** "Today" as YYYY-MM-DD in the browser's time zone. */
export const todayLocal = () => dayLocal();

/** A purpose no longer in force, in a few words: "Purpose retired", "Purpose review overdue since 1 Feb 2027". */
export function purposeStateWords(p: NonNullable<Disclosure['purposeNotInForce']>): string {
  if (p.state === 'retired') return 'Purpose retired';
  if (p.state === 'draft') return 'Purpose not approved';
  return `Purpose review overdue since ${formatDate(p.reviewDueOn)}`;
}
