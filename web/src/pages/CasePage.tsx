import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, ifMatch } from '../api/client';
import type { AttachmentSummary, Case, NoteSummary, Page, RecordView, TeamMember } from '../api/models';
import { BreakGlass } from '../components/access';
import { EditForm, type FieldSpec } from '../components/EditForm';
import { RecordFields } from '../components/RecordFields';
import { Button, Link, Loading, ModalDialog, Notice, PageTitle, ProblemMessage, formatDate, formatDateTime, personName } from '../components/ui';
import { CLASSIFICATION_LABELS, channelLabel } from '../labels';
import { AddNote } from './AddNote';
import { personQuery } from './PersonPage';
import { Attachments } from './Attachments';
import { CasePurpose } from './CasePurpose';

const caseQuery = (id: string) => ({ queryKey: ['case', id], queryFn: () => call<RecordView<Case>>(api.GET('/api/cases/{id}', { params: { path: { id } } })) });
const CASE_FIELDS: FieldSpec[] = [
  { name: 'service', kind: 'text', required: true },
  { name: 'status', kind: 'choice', options: [{ id: 'open', label: 'Open' }, { id: 'closed', label: 'Closed' }] },
  { name: 'summary', kind: 'textarea' },
  { name: 'supportNeeds', kind: 'textarea' },
  { name: 'riskNotes', kind: 'textarea' },
];

/** A case: the purpose it is held for (2.1), its details, team, session notes and attachments, and adding a note. */
export default function CasePage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const kase = useQuery(caseQuery(id));
  const notes = useQuery({ queryKey: ['case', id, 'notes'], queryFn: () => call<Page<NoteSummary>>(api.GET('/api/cases/{caseId}/notes', { params: { path: { caseId: id }, query: { limit: 100 } } })), enabled: kase.isSuccess });
  const team = useQuery({ queryKey: ['case', id, 'team'], queryFn: () => call<{ data: TeamMember[] }>(api.GET('/api/cases/{id}/team', { params: { path: { id } } })), enabled: kase.isSuccess });
  const person = useQuery({ ...personQuery(kase.data?.data.personId ?? ''), enabled: !!kase.data });
  const [editing, setEditing] = useState(false);
  const [added, setAdded] = useState(false);

  if (kase.isPending) return <Loading />;
  if (kase.error) return <><PageTitle>Case</PageTitle><ProblemMessage error={kase.error} /></>;
  const { data, restricted, can } = kase.data;
  const names = new Map((team.data?.data ?? []).map((m) => [m.userId, m.displayName]));
  const editable = CASE_FIELDS.filter((f) => can.edit.includes(f.name) && f.name in data);

  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${data.personId}`}>{person.data ? personName(person.data.data) : 'Person'}</Link> <span aria-hidden="true">›</span> <span aria-current="page">{data.service}</span>
      </nav>
      <div className="page-head">
        <div>
          <PageTitle title="Case">{data.service}</PageTitle>
          <p className="muted"><span className={`badge status-${data.status}`}>{data.status === 'open' ? 'Open' : 'Closed'}</span> Opened {formatDate(data.openedOn)}{data.closedOn ? ` · closed ${formatDate(data.closedOn)}` : ''}</p>
        </div>
        <div className="head-actions">
          {editable.length ? <Button variant="secondary" onPress={() => setEditing(true)}>Edit case</Button> : null}
          {can.breakGlass && restricted.length ? <BreakGlass record={{ type: 'case', id }} onOpened={() => queryClient.invalidateQueries({ queryKey: ['case', id] })} /> : null}
        </div>
      </div>
      <CasePurpose caseId={id} purposeId={data.purposeId ?? null} version={kase.data.version} canChange={!!can.changePurpose} />
      {added ? <Notice>Your note is saved.</Notice> : null}

      <div className="columns">
        <section className="panel" aria-labelledby="notes-title">
          <div className="panel-head">
            <h2 id="notes-title">Session notes</h2>
            {can.addNote ? <AddNote caseId={id} onAdded={() => setAdded(true)} /> : null}
          </div>
          <ProblemMessage error={notes.error} focus={false} />
          {notes.data ? (
            notes.data.items.length ? (
              <ol className="timeline">
                {notes.data.items.map((n) => (
                  <li key={n.id} className="timeline-item">
                    <span className="timeline-when">{formatDateTime(n.occurredAt)}</span>
                    <Link href={`/notes/${n.id}`} className="card-title">{n.title}</Link>
                    <span className="muted">{n.kind === 'session' ? 'Session' : `Conversation · ${channelLabel(n.channel)}`} · by {names.get(n.authorId) ?? 'a former team member'}</span>
                  </li>
                ))}
              </ol>
            ) : <p className="muted">No notes yet.</p>
          ) : null}
        </section>

        <div className="stack">
          <section className="panel" aria-labelledby="case-details-title">
            <h2 id="case-details-title">About this case</h2>
            <RecordFields record={{ type: 'case', id }} fields={['summary', 'supportNeeds', 'riskNotes']} data={data as unknown as Record<string, unknown>} restricted={restricted} canRequest={can.requestAccess} />
          </section>
          <section className="panel" aria-labelledby="team-title">
            <h2 id="team-title">Case team</h2>
            <p className="hint">The people who need to know (3.4). Managers assign the team.</p>
            <ul className="plain-list">
              {(team.data?.data ?? []).map((m) => (
                <li key={m.userId}><strong>{m.displayName}</strong> <span className="muted">· {m.teamRole}{m.active ? '' : ' (account deactivated)'}</span></li>
              ))}
            </ul>
          </section>
          <Attachments caseId={id} canAdd={!!can.addAttachment} />
        </div>
      </div>

      <ModalDialog title="Edit case" isOpen={editing} onOpenChange={setEditing}>
        {(close) => (
          <EditForm
            fields={editable}
            initial={data as unknown as Record<string, unknown>}
            version={kase.data.version}
            submitLabel="Save case"
            onCancel={close}
            reload={async () => (await queryClient.fetchQuery({ ...caseQuery(id), staleTime: 0 })) as never}
            onSave={async (changes, version) => {
              if (Object.keys(changes).length) await call(api.PATCH('/api/cases/{id}', { params: { path: { id } }, body: changes as never, headers: ifMatch(version!) }));
              await queryClient.invalidateQueries({ queryKey: ['case', id] });
              close();
            }}
          />
        )}
      </ModalDialog>
    </article>
  );
}

/** The label of an attachment's classification. */
export const classificationLabel = (c: string) => CLASSIFICATION_LABELS[c]?.label ?? c;
export type { AttachmentSummary };
