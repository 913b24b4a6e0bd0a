import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { PolicyVersion as Version } from '../../api/policy';
import { Link, Loading, PageTitle, ProblemMessage, formatDateTime } from '../../components/ui';
import { AdminNav, clauseLabel } from './shared';

/** One version of the policy: its clauses as Confide read them, and the notes of its clause map. */
export default function PolicyVersion({ version }: { version: string }) {
  const doc = useQuery({
    queryKey: ['policy', 'documents', version],
    queryFn: () => call<Version>(api.GET('/api/policy/documents/{version}', { params: { path: { version: Number(version) } } })),
  });
  const d = doc.data;
  return (
    <section>
      <AdminNav />
      <nav aria-label="Breadcrumb" className="breadcrumb"><Link href="/admin/policy/versions">Policy versions</Link></nav>
      {d ? <PageTitle title={`Version ${d.version}: ${d.title}`}>Version {d.version}: {d.title}</PageTitle> : <PageTitle>Policy version {version}</PageTitle>}
      <ProblemMessage error={doc.error} />
      {doc.isPending ? <Loading /> : null}
      {d ? (
        <>
          <p className="lede">Loaded {formatDateTime(d.loadedAt)} · {d.clauseCount} clauses</p>
          <ol className="clause-list">
            {d.clauses.map((c) => (
              <li key={c.id} className={c.section ? 'clause section' : 'clause'}>
                <span className="clause-id">{clauseLabel(c.id)}</span>
                <div>
                  {c.heading ? <strong className="block">{c.heading}</strong> : null}
                  {c.text ? <span className="clause-text">{c.text}</span> : null}
                  {d.clauseMap.planned[c.id] ? <p className="matrix-note"><span className="badge clause-planned">Planned</span> {d.clauseMap.planned[c.id]}</p> : null}
                  {d.clauseMap.procedural[c.id] ? <p className="matrix-note"><span className="badge clause-procedural">Procedural</span> {d.clauseMap.procedural[c.id]}</p> : null}
                </div>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
