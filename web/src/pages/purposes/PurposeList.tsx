import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Page } from '../../api/models';
import { ButtonLink, Link, Loading, PageTitle, ProblemMessage, formatDate } from '../../components/ui';
import { useLocation } from '../../router';
import { hasRole, useSession } from '../../session';
import { STATUS_LABELS, basisLabel, inHouseOnly, recipientWords, type PurposeDetail } from './shared';

const VIEWS = [
  { id: '', label: 'All' },
  { id: 'draft', label: 'Waiting for approval' },
  { id: 'review_due', label: 'Review due' },
  { id: 'active', label: 'Approved' },
  { id: 'retired', label: 'Retired' },
] as const;

/**
 * The purpose register (3.1 justify the purpose): every use of information the organisation has justified, its lawful
 * basis, and where it stands — drafts wait for a guardian who did not write them; approved ones come up for review.
 */
export default function PurposeList() {
  const { me } = useSession();
  const status = useLocation().search.get('status') ?? '';
  const list = useQuery({
    queryKey: ['purposes', 'register', status],
    queryFn: () => call<Page<PurposeDetail>>(api.GET('/api/purposes', { params: { query: { limit: 100, ...(status ? { status: status as 'draft' } : {}) } } })),
  });
  const items = list.data?.items ?? [];
  return (
    <section>
      <div className="page-head">
        <PageTitle>Purposes</PageTitle>
        {hasRole(me, 'manager', 'guardian') ? <div className="head-actions"><ButtonLink href="/purposes/new" variant="primary">Propose a purpose</ButtonLink></div> : null}
      </div>
      <p className="lede">Why we use people’s information, and the law that allows it. Each purpose is approved by a guardian other than its author and reviewed regularly; consent is asked for a purpose, never in general.</p>
      <nav aria-label="Purposes by status" className="tabs">
        <ul>
          {VIEWS.map((v) => (
            <li key={v.id}>
              <Link href={v.id ? `/purposes?status=${v.id}` : '/purposes'} aria-current={status === v.id ? 'page' : undefined}>{v.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      <ProblemMessage error={list.error} />
      {list.isPending ? <Loading /> : null}
      {items.length ? (
        <div className="table-wrap">
          <table className="table purpose-table">
            <caption className="visually-hidden">Purposes{status ? `: ${VIEWS.find((v) => v.id === status)?.label}` : ''}</caption>
            <thead><tr><th scope="col">Purpose</th><th scope="col">Who receives it</th><th scope="col">Lawful basis</th><th scope="col">Status</th><th scope="col">Next review</th></tr></thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id}>
                  <th scope="row"><Link href={`/purposes/${p.id}`}>{p.name}</Link></th>
                  <td>{recipientWords(p.recipientCategories)}{p.reaches?.length === 0 && !inHouseOnly(p.recipientCategories) ? <span className="hint block">Names no organisation a disclosure can go to</span> : null}</td>
                  <td>{basisLabel(p.lawfulBasis)}{p.art9Condition ? <span className="hint block">+ special category</span> : null}</td>
                  <td><span className={`badge ${STATUS_LABELS[p.status].tone}`}>{STATUS_LABELS[p.status].label}</span></td>
                  <td>{p.status === 'retired' ? '—' : formatDate(p.nextReviewOn)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : list.data ? <div className="empty"><p>No purposes {status ? 'here' : 'yet'}.</p></div> : null}
    </section>
  );
}
