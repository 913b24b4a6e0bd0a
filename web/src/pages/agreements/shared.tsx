import type { ReactNode } from 'react';
import type { Agreement, AgreementStatus } from '../../api/sharing';
import { Link, formatDate } from '../../components/ui';
import { categoryList } from '../disclosure/shared';

// Words and small pieces the sharing-agreement pages share (practice 5.1).

export const AGREEMENT_STATUS: Record<AgreementStatus, { label: string; tone: string }> = {
  draft: { label: 'Draft — being signed', tone: 'pending' },
  signed: { label: 'Signed, not yet started', tone: 'pending' },
  in_force: { label: 'In force', tone: 'ok' },
  ended: { label: 'Ended', tone: 'muted-badge' },
  terminated: { label: 'Ended early', tone: 'warn' },
  superseded: { label: 'Replaced by a variation', tone: 'muted-badge' },
};
export function AgreementStatusBadge({ status }: { status: AgreementStatus }) {
  const s = AGREEMENT_STATUS[status] ?? { label: status, tone: 'muted-badge' };
  return <span className={`badge ${s.tone}`}>{s.label}</span>;
}

/** One agreement in a list: who with, for what, its dates and where it is up to. */
export function AgreementCard({ a, purposeName, extra }: { a: Agreement; purposeName: (id: string) => string; extra?: ReactNode }) {
  return (
    <li className={`card agreement-card agreement-${a.status}`}>
      <div className="agreement-card-main">
        <p className="card-title"><Link href={`/agreements/${a.id}`}>{a.title}</Link></p>
        <p className="agreement-meta">With {a.partners.map((p) => p.name).join(', ')} · for {a.purposeIds.map((p) => `“${purposeName(p)}”`).join(', ')}</p>
        <p className="agreement-meta">{formatDate(a.startsOn)} – {formatDate(a.endsOn)} · review by {formatDate(a.reviewOn)} · {categoryList(a.dataCategories)}{a.requiresConsent ? ' · consent also needed' : ''}</p>
        {extra}
      </div>
      <div className="agreement-badges">
        <AgreementStatusBadge status={a.status} />
        {a.status === 'draft' ? <span className="badge muted-badge">{a.awaitingSignatures.length ? `${a.awaitingSignatures.length} to sign` : 'All signed'}{a.document.attached ? '' : ' · no signed copy'}</span> : null}
      </div>
    </li>
  );
}
