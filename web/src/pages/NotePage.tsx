import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, ifMatch } from '../api/client';
import type { Note, RecordView } from '../api/models';
import { EditForm, type FieldSpec } from '../components/EditForm';
import { RequestAccessForm } from '../components/access';
import { Button, Link, Loading, ModalDialog, Notice, PageTitle, ProblemMessage, formatDateTime } from '../components/ui';
import { CHANNELS, NOTE_BODY_HINT, NOTE_TITLE_HINT, channelLabel } from '../labels';

const noteQuery = (id: string) => ({ queryKey: ['note', id], queryFn: () => call<RecordView<Note>>(api.GET('/api/notes/{id}', { params: { path: { id } } })) });
const NOTE_FIELDS: FieldSpec[] = [
  { name: 'title', kind: 'text', required: true, description: NOTE_TITLE_HINT },
  { name: 'channel', kind: 'choice', options: CHANNELS },
  { name: 'body', kind: 'textarea', required: true, description: NOTE_BODY_HINT },
];

/** One note: what happened (or "restricted" with the reason), and editing it for its author on the team. */
export default function NotePage({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const note = useQuery(noteQuery(id));
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [requesting, setRequesting] = useState(false);
  if (note.isPending) return <Loading />;
  if (note.error) return <><PageTitle>Note</PageTitle><ProblemMessage error={note.error} /></>;
  const { data, restricted, can } = note.data;
  const bodyRestricted = restricted.find((r) => r.field === 'body');
  const editable = NOTE_FIELDS.filter((f) => can.edit.includes(f.name) && f.name in data && (f.name !== 'channel' || data.kind === 'contact'));
  return (
    <article className="record">
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href={`/cases/${data.caseId}`}>Back to the case</Link></nav>
      <div className="page-head">
        <div>
          <PageTitle title={data.kind === 'contact' ? 'Contact note' : 'Session note'}>{data.title}</PageTitle>
          <p className="muted">{data.kind === 'session' ? 'Session' : `Conversation · ${channelLabel(data.channel)}`} · {formatDateTime(data.occurredAt)}</p>
        </div>
        {editable.length && !editing ? <Button variant="secondary" onPress={() => setEditing(true)}>Edit note</Button> : null}
      </div>
      {saved ? <Notice>Your changes are saved.</Notice> : null}
      <section className="panel">
        {editing ? (
          <EditForm
            fields={editable}
            initial={data as unknown as Record<string, unknown>}
            version={note.data.version}
            submitLabel="Save note"
            onCancel={() => setEditing(false)}
            reload={async () => (await queryClient.fetchQuery({ ...noteQuery(id), staleTime: 0 })) as never}
            onSave={async (changes, version) => {
              if (Object.keys(changes).length) await call(api.PATCH('/api/notes/{id}', { params: { path: { id } }, body: changes as never, headers: ifMatch(version!) }));
              await queryClient.invalidateQueries({ queryKey: ['note', id] });
              setEditing(false);
              setSaved(true);
            }}
          />
        ) : bodyRestricted ? (
          <>
            <div className="restricted">
              <span className="badge restricted-badge">Restricted</span>
              <span className="restricted-reason">{bodyRestricted.reason}</span>
            </div>
            {can.requestAccess ? (
              <div className="actions">
                <Button variant="secondary" onPress={() => setRequesting(true)}>Request access to this case’s session details</Button>
              </div>
            ) : null}
            <ModalDialog title="Request access to session details" isOpen={requesting} onOpenChange={setRequesting}>
              {(close) => <RequestAccessForm record={{ type: 'case', id: data.caseId }} classifications={['session']} onDone={close} />}
            </ModalDialog>
          </>
        ) : (
          <div className="note-body">{data.body}</div>
        )}
      </section>
    </article>
  );
}
