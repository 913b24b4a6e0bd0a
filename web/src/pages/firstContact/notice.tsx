import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api, call } from '../../api/client';
import type { NoticeVersion } from '../../api/models';
import { CONTACT_METHODS, languageName } from '../../labels';
import { Radios, TextBox, TextInput } from '../../components/fields';
import { Link, Loading, ProblemMessage, formatDate } from '../../components/ui';
import { useSession } from '../../session';

/** The current version of the notice in each language (the highest published one), from GET /api/notices. */
export function useCurrentNotices() {
  return useQuery({
    queryKey: ['notices', 'current'],
    queryFn: async () => (await call<{ items: NoticeVersion[] }>(api.GET('/api/notices', { params: { query: {} } }))).items.filter((n) => n.current),
    staleTime: 5 * 60_000,
  });
}

/** The notice to give in `language`: its current version there, else the English one, else any current one. */
export function noticeFor(current: readonly NoticeVersion[], language: string): NoticeVersion | undefined {
  return current.find((n) => n.language === language) ?? current.find((n) => n.language === 'en') ?? current[0];
}

/**
 * What the first-contact pages say while no notice is published (4.1): to someone who may publish it, a link to the
 * notice page (which offers the way back to `back` once published); to anyone else, who to ask.
 */
export function NoNotice({ back, children }: { back: string; children?: ReactNode }) {
  const { me } = useSession();
  return (
    <div className="alert warning" role="status">
      <p className="alert-title">No notice has been published yet.</p>
      {me.may.includes('notice.publish') ? (
        <p>You publish the organisation’s notice: <Link href={`/notices?back=${encodeURIComponent(back)}`}>write and publish the notice</Link>, then come back here to tell them.</p>
      ) : (
        <p>A manager or the guardian publishes the organisation’s notice: ask one of them to publish it (under “Notice” in their menu), then come back here to tell them.</p>
      )}
      {children}
    </div>
  );
}

/** Today's date in the browser's time zone, YYYY-MM-DD (the day the worker is recording). */
export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/** The notice's text, to read out or hand over, with its version and language. */
export function NoticeText({ notice, wanted }: { notice: NoticeVersion; wanted: string }) {
  const full = useQuery({
    queryKey: ['notice', notice.id],
    queryFn: () => call<NoticeVersion>(api.GET('/api/notices/{id}', { params: { path: { id: notice.id } } })),
    staleTime: Infinity,
  });
  return (
    <section className="notice-card" aria-labelledby="notice-title">
      <p className="notice-meta">Version {notice.version} · {languageName(notice.language)}{notice.publishedAt ? ` · published ${formatDate(notice.publishedAt)}` : ''}</p>
      <h3 id="notice-title">{notice.title}</h3>
      {notice.language !== wanted ? (
        <p className="alert info">There is no {languageName(wanted)} translation of this version yet, so this is the {languageName(notice.language)} text. Arrange an interpreter if they need one.</p>
      ) : null}
      <ProblemMessage error={full.error} focus={false} />
      {full.isPending ? <Loading label="Loading the notice…" /> : null}
      {full.data?.body ? <div className="notice-text" tabIndex={0} role="region" aria-label="The notice text">{full.data.body}</div> : null}
    </section>
  );
}

export interface ContactValues {
  method: string;
  contactedOn: string;
  questions: string;
}

/** How and when the notice was given, and any questions the person asked: the fields of a first contact. */
export function ContactFields({ values, onChange, prefix = '' }: { values: ContactValues; onChange: (v: ContactValues) => void; prefix?: string }) {
  const set = (k: keyof ContactValues) => (v: string) => onChange({ ...values, [k]: v });
  return (
    <>
      <Radios name={`${prefix}method`} label="How you gave them the notice" isRequired value={values.method || null} onChange={set('method')} options={CONTACT_METHODS} />
      <TextInput name={`${prefix}contactedOn`} label="Date they were told" type="date" isRequired value={values.contactedOn} onChange={set('contactedOn')} />
      <TextBox name={`${prefix}questions`} label="Questions they asked" rows={3} description="Anything they asked or were worried about, and what you answered." value={values.questions} onChange={set('questions')} />
    </>
  );
}
