import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FileTrigger } from 'react-aria-components';
import { ApiError, api, call } from '../api/client';
import type { AttachmentPage, Classification } from '../api/models';
import { Choice } from '../components/fields';
import { Button, Notice, ProblemMessage, formatDate } from '../components/ui';
import { CLASSIFICATION_LABELS } from '../labels';

/** The order the classifications are offered in: a session document first (practice 2), the default. */
const UPLOAD_ORDER: readonly Classification[] = ['session', 'personal', 'special', 'safeguarding'];
const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/** Downloads an attachment through the API (audited); a refusal is shown with the API's reason, not as a broken page. */
async function download(id: string) {
  const res = await fetch(`/api/attachments/${id}/content`, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError({ status: res.status, ...(await res.json().catch(() => ({}))) });
  const name = /filename\*=UTF-8''([^;]+)/.exec(res.headers.get('content-disposition') ?? '')?.[1];
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name ? decodeURIComponent(name) : 'attachment';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The documents filed with a case, and filing one (classified like a field: who may open it follows from that). */
export function Attachments({ caseId, canAdd }: { caseId: string; canAdd: boolean }) {
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: ['case', caseId, 'attachments'], queryFn: () => call<AttachmentPage>(api.GET('/api/cases/{caseId}/attachments', { params: { path: { caseId } } })) });
  // Only the classifications the policy lets this caller file here (a staff member files no safeguarding document).
  const attachable = UPLOAD_ORDER.filter((c) => list.data?.canAttach.includes(c));
  const [chosen, setClassification] = useState<Classification>('session');
  const classification = attachable.includes(chosen) ? chosen : attachable[0];
  const [error, setError] = useState<unknown>(null);
  const [uploaded, setUploaded] = useState<string | null>(null);

  const upload = async (files: FileList | null) => {
    const file = files?.[0];
    if (!file) return;
    setError(null);
    setUploaded(null);
    const form = new FormData();
    form.append('classification', classification);
    form.append('file', file, file.name);
    try {
      await call(api.POST('/api/cases/{caseId}/attachments', { params: { path: { caseId } }, body: form as never, bodySerializer: (b: unknown) => b as FormData }));
      setUploaded(file.name);
      await queryClient.invalidateQueries({ queryKey: ['case', caseId, 'attachments'] });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="panel" aria-labelledby="attachments-title">
      <h2 id="attachments-title">Attachments</h2>
      <ProblemMessage error={list.error ?? error} />
      {uploaded ? <Notice>“{uploaded}” is attached.</Notice> : null}
      {list.data?.items.length ? (
        <ul className="plain-list">
          {list.data.items.map((a) => (
            <li key={a.id} className="attachment">
              <span>
                <strong>{CLASSIFICATION_LABELS[a.classification]?.label ?? a.classification} document</strong>
                <span className="muted"> · {a.contentType} · {size(a.sizeBytes)} · {formatDate(a.createdAt)}</span>
              </span>
              {a.canOpen ? <Button variant="quiet" className="small" onPress={() => download(a.id).catch(setError)}>Download</Button> : <span className="muted">Restricted</span>}
            </li>
          ))}
        </ul>
      ) : list.data ? <p className="muted">No attachments you may see.</p> : null}
      {canAdd && classification ? (
        <div className="upload">
          <Choice name="classification" label="Classification of the document" value={classification} onChange={setClassification} options={attachable.map((c) => ({ id: c, label: CLASSIFICATION_LABELS[c].label }))} description="Who may open it follows from this." />
          <FileTrigger onSelect={upload} acceptedFileTypes={['application/pdf', 'image/png', 'image/jpeg', 'text/plain']}>
            <Button variant="secondary">Attach a file…</Button>
          </FileTrigger>
        </div>
      ) : null}
    </section>
  );
}
