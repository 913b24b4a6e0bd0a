import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../api/client';
import { Choice, Radios, TextBox, TextInput } from '../components/fields';
import { Button, ModalDialog } from '../components/ui';
import { CHANNELS, NOTE_BODY_HINT, NOTE_TITLE_HINT } from '../labels';
import { ApiForm } from '../components/ApiForm';

/**
 * Record a session or a conversation on a case (practice 1–2): what happened is confidential to the staff team, but
 * the title is a general field everyone on the case sees, and each field says so where it is typed.
 */
export function AddNote({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [kind, setKind] = useState<'session' | 'contact'>('session');
  const [channel, setChannel] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent, close: () => void) => {
    e.preventDefault();
    setError(null);
    try {
      await call(api.POST('/api/cases/{caseId}/notes', { params: { path: { caseId } }, body: { kind, title, body, ...(kind === 'contact' ? { channel: channel as never } : {}) } }));
      await queryClient.invalidateQueries({ queryKey: ['case', caseId, 'notes'] });
      setTitle('');
      setBody('');
      close();
      onAdded();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <Button onPress={() => setOpen(true)}>Add a note</Button>
      <ModalDialog title="Add a note" isOpen={isOpen} onOpenChange={setOpen}>
        {(close) => (
          <ApiForm onSubmit={(e) => submit(e, close)} error={error}>
            <Radios name="kind" label="What are you recording?" value={kind} onChange={setKind} options={[{ id: 'session', label: 'A session' }, { id: 'contact', label: 'A conversation with or about the client' }]} />
            {kind === 'contact' ? <Choice name="channel" label="How did it take place?" value={channel} onChange={setChannel} options={CHANNELS} isRequired /> : null}
            <TextInput name="title" label="Title" value={title} onChange={setTitle} isRequired description={NOTE_TITLE_HINT} />
            <TextBox name="body" label="What happened" value={body} onChange={setBody} isRequired rows={8} description={NOTE_BODY_HINT} />
            <div className="actions">
              <Button type="submit">Save note</Button>
              <Button variant="secondary" onPress={close}>Cancel</Button>
            </div>
          </ApiForm>
        )}
      </ModalDialog>
    </>
  );
}
