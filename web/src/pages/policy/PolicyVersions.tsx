import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api, call, ApiError } from '../../api/client';
import type { LoadedPolicy, PolicySummary } from '../../api/policy';
import { PathForm } from '../../components/PathForm';
import { TextBox, TextInput } from '../../components/fields';
import { Button, Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { navigate } from '../../router';
import { hasRole, useSession } from '../../session';
import { AdminNav, clauseLabel } from './shared';

/** Every version of the policy, newest first; administrators load a new one here (3.5, 3.6). */
export default function PolicyVersions() {
  const { me } = useSession();
  const versions = useQuery({ queryKey: ['policy', 'documents'], queryFn: () => call<{ items: PolicySummary[] }>(api.GET('/api/policy/documents')) });
  const [loaded, setLoaded] = useState<LoadedPolicy | null>(null);
  return (
    <section>
      <AdminNav />
      <PageTitle>Policy versions</PageTitle>
      <p className="lede">The confidentiality policy Confide enforces. When a new version is loaded, everyone must read and accept it again before they see confidential records (3.5).</p>
      {loaded ? <Loaded policy={loaded} /> : null}
      <ProblemMessage error={versions.error} focus={false} />
      {versions.isPending ? <Loading /> : null}
      {versions.data ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Policy versions, newest first</caption>
            <thead><tr><th scope="col">Version</th><th scope="col">Title</th><th scope="col">Clauses</th><th scope="col">Loaded</th></tr></thead>
            <tbody>
              {versions.data.items.map((v, i) => (
                <tr key={v.id}>
                  <th scope="row"><Link href={`/admin/policy/versions/${v.version}`}>Version {v.version}</Link>{i === 0 ? <span className="badge ok">Current</span> : null}</th>
                  <td>{v.title}</td>
                  <td>{v.clauseCount}</td>
                  <td>{formatDateTime(v.loadedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {/* Loading a version is the administrators' (rule accounts/administer); the API refuses anyone else. */}
      {hasRole(me, 'administrator') ? <LoadPolicy onLoaded={setLoaded} /> : null}
    </section>
  );
}

/** What loading answered: the new version and its gaps, so the administrator can complete the clause map. */
function Loaded({ policy }: { policy: LoadedPolicy }) {
  const { refresh } = useSession();
  // The administrator must accept the new version too: the app's gate shows it, then the matrix.
  const acceptNow = async () => {
    navigate('/admin/policy');
    await refresh();
  };
  const { planned, uncovered, unmappedKeys } = policy.coverage;
  return (
    <div className="alert success" role="status">
      <h2 id="loaded-title" tabIndex={-1} className="alert-title">Version {policy.version} is loaded: “{policy.title}”, {policy.clauseCount} clauses</h2>
      <p>Everyone, you included, must read and accept it before seeing confidential records again.</p>
      {planned.length ? <p><strong>Planned, not yet enforced:</strong> {planned.map(clauseLabel).join(', ')}.</p> : null}
      {uncovered.length ? <p><strong>Nothing covers:</strong> {uncovered.map(clauseLabel).join(', ')} — complete the clause map.</p> : null}
      {unmappedKeys.length ? <p><strong>Rule clause keys no clause names:</strong> {unmappedKeys.join(', ')}.</p> : null}
      <div className="actions"><Button onPress={acceptNow}>Read and accept it, then see the matrix</Button></div>
    </div>
  );
}

const NAMES = ['title', 'text', 'clauseMap'] as const;

/** Load a new version: its text (typed, pasted or read from a file) and, optionally, its clause map as JSON. */
function LoadPolicy({ onLoaded }: { onLoaded: (p: LoadedPolicy) => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [clauseMap, setClauseMap] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string> | null>(null);
  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setText(await file.text());
    if (!title.trim()) setTitle(file.name.replace(/\.(md|txt)$/i, ''));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setClientErrors(null);
    let map: unknown;
    if (clauseMap.trim()) {
      try {
        map = JSON.parse(clauseMap);
      } catch {
        setClientErrors({ clauseMap: 'This is not valid JSON: check the brackets, quotes and commas.' });
        return;
      }
    }
    try {
      const res = await call<LoadedPolicy>(api.POST('/api/policy/documents', { body: { title, text, ...(map ? { clauseMap: map as never } : {}) } }));
      setTitle('');
      setText('');
      setClauseMap('');
      onLoaded(res);
      await queryClient.invalidateQueries({ queryKey: ['policy'] });
      setTimeout(() => document.getElementById('loaded-title')?.focus());
    } catch (err) {
      setError(err);
    }
  };
  const mapErrors = error instanceof ApiError ? (error.problem.errors ?? []).filter((x) => x.path.startsWith('body.clauseMap.')) : [];
  return (
    <section className="panel load-policy" aria-labelledby="load-title">
      <h2 id="load-title">Load a new version</h2>
      <PathForm error={error} clientErrors={clientErrors} names={NAMES} onSubmit={submit} missing={{ title: 'Give the version a title', text: 'Paste the policy text or choose its file' }}>
        <TextInput name="title" label="Title" value={title} onChange={setTitle} isRequired autoComplete="off" description="For example “Confidentiality Policy 2027”." />
        <div className="field">
          <label htmlFor="policy-file">Read the text from a file <span className="optional">(optional)</span></label>
          <span id="policy-file-hint" className="hint">A Markdown or plain-text file; it fills in the text below.</span>
          <input id="policy-file" type="file" accept=".md,.txt,text/markdown,text/plain" aria-describedby="policy-file-hint" onChange={readFile} />
        </div>
        <TextBox name="text" label="Policy text" value={text} onChange={setText} isRequired rows={10} description="Numbered clauses (1.1, 2.3 …) and the “Policy in Practice” section are read as clauses." />
        <TextBox name="clauseMap" label="Clause map (JSON)" value={clauseMap} onChange={setClauseMap} rows={6}
          description={<>Which clauses each rule’s clause key stands for, with <code>procedural</code> and <code>planned</code> notes. Leave empty to keep the current version’s map for the clauses that still exist.</>} />
        {mapErrors.length > 1 ? (
          <div className="alert error" aria-label="Clause map problems">
            <p className="alert-title">The clause map does not fit this text</p>
            <ul>{mapErrors.map((x) => <li key={x.path}><code>{x.path.replace(/^body\.clauseMap\./, '')}</code>: {x.message}</li>)}</ul>
          </div>
        ) : null}
        <div className="actions"><Button type="submit">Load this version</Button></div>
      </PathForm>
    </section>
  );
}
