import { useState } from 'react';
import { api, call } from '../api/client';
import type { Case, RecordView } from '../api/models';
import { EditForm } from '../components/EditForm';
import { Button, ModalDialog } from '../components/ui';
import { navigate } from '../router';

/** Open a new case for a person, with the user as its lead worker. */
export function OpenCase({ personId }: { personId: string }) {
  const [isOpen, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onPress={() => setOpen(true)}>Open a case</Button>
      <ModalDialog title="Open a case" isOpen={isOpen} onOpenChange={setOpen}>
        {(close) => (
          <EditForm
            create
            fields={[
              { name: 'service', kind: 'text', required: true, description: 'The service or programme, e.g. “Drum mentoring”.' },
              { name: 'summary', kind: 'textarea' },
              { name: 'supportNeeds', kind: 'textarea' },
            ]}
            initial={{}}
            submitLabel="Open case"
            onCancel={close}
            onSave={async (changes) => {
              const created = await call<RecordView<Case>>(api.POST('/api/cases', { body: { personId, ...(changes as { service: string }) } }));
              close();
              navigate(`/cases/${created.data.id}`);
            }}
          />
        )}
      </ModalDialog>
    </>
  );
}
