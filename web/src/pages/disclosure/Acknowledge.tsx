import { AcceptanceForm, LinkNotAvailable, TermsCard, useAcceptance } from '../acknowledge/shared';
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { AcknowledgementTerms } from '../../api/sharing';
import { AuthFrame } from '../../components/AuthFrame';
import { Loading, PageTitle, formatDateTime } from '../../components/ui';

/**
 * The recipient's page for the one-time link (4.3), open without an account: who is sharing, with whom, the
 * reference and the confidentiality terms — nothing about the person — then their typed name and the date (a name
 * other than the recipient's is checked by staff before release: src/acknowledgement/typed-name.ts). The link
 * stops working once they accept; an unknown, used or expired link reads the same.
 */
export default function Acknowledge({ token }: { token: string }) {
  const terms = useQuery({
    queryKey: ['acknowledgement', token],
    queryFn: () => call<AcknowledgementTerms>(api.GET('/api/disclosure-acknowledgements/{token}', { params: { path: { token } } })),
    retry: false,
    staleTime: Infinity,
  });
  const form = useAcceptance((body) => call<{ reference: string }>(api.POST('/api/disclosure-acknowledgements/{token}', { params: { path: { token } }, body })));
  const done = form.done?.reference;

  if (terms.isPending) return <AuthFrame><Loading label="Opening the terms…" /></AuthFrame>;
  if (terms.error) return <LinkNotAvailable error={terms.error} />;
  const t = terms.data;
  if (done) {
    return (
      <AuthFrame wide>
        <PageTitle title="Terms accepted" focus={false}>Thank you</PageTitle>
        <div ref={form.doneRef} tabIndex={-1} className="confirmation" role="status">
          <p className="confirmation-title">You have accepted the confidentiality terms</p>
          <p>{t.from} can now send you the information for reference <strong>{done}</strong>. This link no longer works.</p>
        </div>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame wide>
      <p className="eyebrow">Confidential information from {t.from}</p>
      <PageTitle title="Accept the confidentiality terms">Accept the confidentiality terms</PageTitle>
      <p className="lede">Before any information is sent, please read and accept the terms under which {t.from} shares it with you.</p>
      <dl className="facts ack-facts">
        <dt>Reference</dt><dd><span className="reference">{t.reference}</span></dd>
        <dt>For</dt><dd>{t.recipient.name}, {t.recipient.role}</dd>
        <dt>Organisation</dt><dd>{t.recipient.organisation}</dd>
        <dt>Link works until</dt><dd>{formatDateTime(t.expiresAt)}</dd>
      </dl>
      <TermsCard terms={t.terms} />
      <p className="hint">These terms are for {t.recipient.name}. Type your own full name: if you are not {t.recipient.name}, {t.from} will check with {t.recipient.organisation} who accepted them before sending anything.</p>
      <AcceptanceForm form={form} />
    </AuthFrame>
  );
}
