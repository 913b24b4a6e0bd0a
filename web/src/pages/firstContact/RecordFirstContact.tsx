import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client';
import { PathForm } from '../../components/PathForm';
import { Choice } from '../../components/fields';
import { Button, Link, Loading, PageTitle, ProblemMessage, personName } from '../../components/ui';
import { languageName } from '../../labels';
import { navigate } from '../../router';
import { personQuery } from '../PersonPage';
import { ContactFields, NoNotice, NoticeText, noticeFor, today, useCurrentNotices, type ContactValues } from './notice';

const NAMES = ['method', 'contactedOn', 'questions', 'noticeVersion', 'language'];

/** Record that a person already registered was given the notice (4.1): the notice to give, then how and when. */
export default function RecordFirstContact({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const person = useQuery(personQuery(id));
  const notices = useCurrentNotices();
  const [language, setLanguage] = useState('en');
  const [contact, setContact] = useState<ContactValues>({ method: '', contactedOn: today(), questions: '' });
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const [busy, setBusy] = useState(false);
  if (person.isPending || notices.isPending) return <Loading />;
  if (person.error) return <><PageTitle>Record first contact</PageTitle><ProblemMessage error={person.error} /></>;
  const name = personName(person.data.data);
  const current = notices.data ?? [];
  const notice = noticeFor(current, language);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    if (!contact.method) problems.method = 'Choose how you gave them the notice';
    if (!contact.contactedOn) problems.contactedOn = 'Enter the date they were told';
    if (Object.keys(problems).length) return setClientErrors(problems);
    setClientErrors(null);
    if (!notice) return;
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/people/{id}/first-contacts', {
        params: { path: { id } },
        body: { noticeVersion: notice.version, language: notice.language, contactedOn: contact.contactedOn, method: contact.method as never, ...(contact.questions.trim() ? { questions: contact.questions.trim() } : {}) },
      }));
      await queryClient.invalidateQueries({ queryKey: ['person', id] });
      await queryClient.invalidateQueries({ queryKey: ['people'] });
      navigate(`/people/${id}?told=1`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const languages = [...new Set(current.map((n) => n.language))];
  return (
    <section>
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/people">People</Link> <span aria-hidden="true">›</span> <Link href={`/people/${id}`}>{name}</Link></nav>
      <PageTitle title="Record first contact">Tell {name} how we keep information confidential</PageTitle>
      <p className="lede">Read the notice out or hand over a copy, answer their questions, then record how and when you gave it (policy 4.1).</p>
      {notice ? (
        <div className="panel wide-panel">
          <PathForm error={error} clientErrors={clientErrors} names={NAMES} onSubmit={submit} className="form-wide">
            {languages.length > 1 ? <Choice name="language" label="Language of the notice" value={language} onChange={setLanguage} options={languages.map((l) => ({ id: l, label: languageName(l) }))} /> : null}
            <div className="first-contact">
              <NoticeText notice={notice} wanted={language} />
              <div className="first-contact-fields">
                <ContactFields values={contact} onChange={setContact} />
                <div className="actions">
                  <Button type="submit" isDisabled={busy}>{busy ? 'Saving…' : 'Record first contact'}</Button>
                  <Button variant="secondary" onPress={() => navigate(`/people/${id}`)}>Cancel</Button>
                </div>
              </div>
            </div>
          </PathForm>
        </div>
      ) : (
        <NoNotice back={`/people/${id}/first-contact`} />
      )}
    </section>
  );
}
