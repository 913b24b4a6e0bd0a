import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client';
import type { NoticeVersion } from '../../api/models';
import { Allowed } from '../../components/Allowed';
import { ApiForm } from '../../components/ApiForm';
import { Choice, Radios, TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, Notice, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { languageName } from '../../labels';
import { navigate, useLocation } from '../../router';
import { NoticeText } from '../firstContact/notice';

/** The first-contact pages that send a publisher here, and to which the page offers the way back once published. */
const BACK = /^\/people\/(new|[0-9a-f-]{36}\/first-contact)$/;

/** A language tag as the API takes it (src/notices/schema.ts `language`). */
const TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** The page's address, keeping where the user came from. */
const here = (published: number | null, back: string | null) => {
  const q = new URLSearchParams();
  if (published !== null) q.set('published', String(published));
  if (back) q.set('back', back);
  const s = q.toString();
  return `/notices${s ? `?${s}` : ''}`;
};

/**
 * The organisation's confidentiality notice (4.1: "we will inform those that come into contact with the charity of
 * our Confidentiality Policy at the first point of contact"): the current version, every version so far with who
 * published it and when, and a form to publish a new version or a translation. Management and the guardian publish
 * it (rule notices/publish); anyone else is told who does ({@link Allowed}).
 */
export default function Notices() {
  return (
    <Allowed action="notice.publish" title="Confidentiality notice" who="Management and the guardian publish the confidentiality notice">
      <NoticesPage />
    </Allowed>
  );
}

function NoticesPage() {
  const { search } = useLocation();
  const published = search.get('published');
  const backParam = search.get('back');
  const back = backParam && BACK.test(backParam) ? backParam : null;
  const list = useQuery({
    queryKey: ['notices', 'all'],
    queryFn: () => call<{ items: NoticeVersion[] }>(api.GET('/api/notices', { params: { query: {} } })),
  });
  const items = list.data?.items ?? [];
  return (
    <section>
      <PageTitle>Confidentiality notice</PageTitle>
      <p className="lede">
        What everyone who comes to us is told about how we keep their information confidential, at their first contact (policy 4.1).
        Staff read out or hand over the current version and record that they did. A published version is never changed: to change the notice, publish a new version.
      </p>
      {published ? (
        <Notice>
          <p className="alert-title">Version {published} is published.</p>
          <p>Staff give it at first contact from now on, and anyone can read it at <Link href="/privacy">the public notice page</Link>.</p>
          {back ? <p><Link href={back}>{back === '/people/new' ? 'Back to adding a person' : 'Back to recording first contact'}</Link></p> : null}
        </Notice>
      ) : null}
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : list.data ? (
        <>
          <Current items={items} />
          <Versions items={items} back={back} />
          <PublishForm items={items} back={back} />
        </>
      ) : null}
    </section>
  );
}

/** The current notice: the highest published version, in a language chosen when there are several. */
function Current({ items }: { items: readonly NoticeVersion[] }) {
  const current = items.filter((n) => n.current);
  const [language, setLanguage] = useState<string | null>(null);
  const shown = current.find((n) => n.language === language) ?? current.find((n) => n.language === 'en') ?? current[0];
  return (
    <section className="panel" aria-labelledby="current-title">
      <h2 id="current-title">The current notice</h2>
      {shown ? (
        <>
          {current.length > 1 ? (
            <Choice name="shownLanguage" label="Show it in" value={shown.language} onChange={setLanguage} options={current.map((n) => ({ id: n.language, label: languageName(n.language) }))} />
          ) : null}
          <NoticeText notice={shown} wanted={shown.language} />
          <p className="hint">Published {formatDateTime(shown.publishedAt)} by {shown.publishedByName ?? 'a colleague'}.</p>
        </>
      ) : (
        <div className="alert warning" role="status">
          <p className="alert-title">No notice has been published yet.</p>
          <p>Until one is, staff cannot record that anyone was told how we keep their information confidential, and everyone stays on the list of people not yet told. Write it below and publish it.</p>
        </div>
      )}
    </section>
  );
}

/** Every version so far, newest first: its language, title, where it stands, and who published it when. */
function Versions({ items, back }: { items: readonly NoticeVersion[]; back: string | null }) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!items.length) return null;
  const publishDraft = async (n: NoticeVersion) => {
    setBusy(n.id);
    setError(null);
    try {
      await call(api.POST('/api/notices/{id}/publish', { params: { path: { id: n.id } } }));
      await queryClient.invalidateQueries({ queryKey: ['notices'] });
      navigate(here(n.version, back));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions</h2>
      <ProblemMessage error={error} />
      <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="versions-title">
        <table className="table">
          <caption className="visually-hidden">Versions of the notice, newest first</caption>
          <thead><tr><th scope="col">Version</th><th scope="col">Language</th><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Published</th></tr></thead>
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <th scope="row">{n.version}</th>
                <td>{languageName(n.language)}</td>
                <td>{n.title}</td>
                <td>
                  {n.current ? <span className="badge ok">Current</span>
                    : n.status === 'draft' ? <span className="badge pending">Draft</span>
                      : <span className="badge muted-badge">Replaced by a later version</span>}
                </td>
                <td>
                  {n.status === 'published' ? (
                    <>{formatDateTime(n.publishedAt)}<span className="hint block">by {n.publishedByName ?? 'a colleague'}</span></>
                  ) : (
                    <Button variant="secondary" isDisabled={busy !== null} onPress={() => void publishDraft(n)}>
                      {busy === n.id ? 'Publishing…' : <>Publish draft<span className="visually-hidden"> version {n.version}, {languageName(n.language)}</span></>}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Publish a new version, or a translation of the latest version into another language: its language, title and
 * text (plain text or Markdown, as the API takes it). What is missing is said next to its field before anything is
 * sent; the API's answers are too, and what was typed stays.
 */
function PublishForm({ items, back }: { items: readonly NoticeVersion[]; back: string | null }) {
  const queryClient = useQueryClient();
  const latest = items.reduce((m, n) => Math.max(m, n.version), 0);
  const latestIn = [...new Set(items.filter((n) => n.version === latest).map((n) => n.language))];
  const [kind, setKind] = useState<'new' | 'translation'>('new');
  const [language, setLanguage] = useState('en');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [checked, setChecked] = useState(false); // the error shown is this form's own check, not the API's answer
  const translating = kind === 'translation' && latest > 0;
  const version = translating ? latest : latest + 1;
  // The language named in words once the tag is one the API takes ("cy" is Welsh).
  const tag = language.trim();
  const named = TAG.test(tag) ? languageName(tag) : null;

  const missing = () => [
    !language.trim() && { path: 'body.language', message: 'Give its language as a tag: “en” for English, “cy” for Welsh.' },
    !title.trim() && { path: 'body.title', message: 'Give the notice a title, as people will read it.' },
    !body.trim() && { path: 'body.body', message: 'Write the notice: what people are told about how we keep their information confidential.' },
  ].filter(Boolean) as { path: string; message: string }[];
  // An answer given since the check takes its error away at once.
  const stillMissing = checked ? missing().map((m) => m.path.slice(5)) : [];
  const resolved = checked ? ['language', 'title', 'body'].filter((f) => !stillMissing.includes(f)) : [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errors = missing();
    if (errors.length) {
      setError(new ApiError({ status: 400, title: 'Some answers are missing', errors }));
      setChecked(true);
      return;
    }
    setChecked(false);
    setBusy(true);
    setError(null);
    try {
      const created = await call<NoticeVersion>(api.POST('/api/notices', {
        body: { language: language.trim(), title: title.trim(), body, publish: true, ...(translating ? { translationOf: latest } : {}) },
      }));
      await queryClient.invalidateQueries({ queryKey: ['notices'] });
      setTitle('');
      setBody('');
      setKind('new');
      navigate(here(created.version, back));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="publish-title">
      <h2 id="publish-title">{latest ? 'Publish a new version' : 'Publish the notice'}</h2>
      <p className="hint">Once published, staff give this version at first contact and anyone can read it at /privacy. It cannot be changed afterwards: a change is a new version.</p>
      <ApiForm onSubmit={submit} error={error} resolved={resolved}>
        {latest ? (
          <Radios name="translationOf" label="What you are publishing" value={kind} onChange={setKind} isRequired options={[
            { id: 'new', label: `A new version (version ${latest + 1})`, description: 'It replaces the current notice in its language.' },
            { id: 'translation', label: `A translation of version ${latest}`, description: `The same notice in another language. Version ${latest} exists in ${latestIn.map(languageName).join(', ')}.` },
          ]} />
        ) : null}
        <TextInput name="language" label="Language" value={language} onChange={setLanguage} isRequired autoComplete="off"
          description={<>A language tag: “en” for English, “cy” for Welsh, “pl” for Polish.{named && named.toLowerCase() !== tag.toLowerCase() ? <> This is <strong>{named}</strong>.</> : null}</>} />
        <TextInput name="title" label="Title" value={title} onChange={setTitle} isRequired autoComplete="off" description="As people will read it: “How we keep what you tell us private”." />
        <TextBox name="body" label="Text of the notice" value={body} onChange={setBody} rows={14} isRequired
          description="Plain text or Markdown. Use plain words: what we write down, who sees it, when we share it and when we might have to without asking, and the choices people have." />
        <div className="actions">
          <Button type="submit" isDisabled={busy}>{busy ? 'Publishing…' : `Publish version ${version}`}</Button>
        </div>
      </ApiForm>
    </section>
  );
}
