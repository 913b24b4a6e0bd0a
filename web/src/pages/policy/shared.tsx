import type { ClauseStatus } from '../../api/policy';
import { Link } from '../../components/ui';
import { useLocation } from '../../router';
import { hasRole, useSession } from '../../session';

/** The administration area's own navigation: its pages this user's roles may open. */
export function AdminNav() {
  const { me } = useSession();
  const { pathname } = useLocation();
  const items = [
    { href: '/admin/policy', label: 'Traceability matrix' },
    { href: '/admin/policy/versions', label: 'Policy versions' },
    { href: '/admin/policy/rules', label: 'Rule modes' },
    ...(hasRole(me, 'administrator', 'guardian') ? [{ href: '/admin/audit', label: 'Audit trail' }] : []),
    ...(hasRole(me, 'administrator') ? [{ href: '/admin/accounts', label: 'Accounts' }] : []),
  ];
  const current = (href: string) => pathname === href || (href !== '/admin/policy' && pathname.startsWith(`${href}/`));
  return (
    <nav aria-label="Administration" className="subnav">
      <ul>
        {items.map((i) => (
          <li key={i.href}><Link href={i.href} aria-current={current(i.href) ? 'page' : undefined}>{i.label}</Link></li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * A clause's status in words, as the matrix gives it: planned and uncovered clauses are gaps; a clause enforced in part
 * is neither a gap nor enforced.
 */
export const STATUS_LABEL: Record<ClauseStatus, string> = {
  enforced: 'Enforced',
  'in-part': 'Enforced in part',
  'warn-only': 'Warn only — not refused',
  planned: 'Planned — not yet enforced',
  procedural: 'Procedural',
  section: 'Section heading',
  gap: 'Gap — nothing covers it',
};

/** The status as a badge. */
export function StatusBadge({ status }: { status: ClauseStatus }) {
  return <span className={`badge clause-${status}`}>{STATUS_LABEL[status]}</span>;
}

/** A clause number as people say it ("1.1", "practice 4.1", "monitoring and review"). */
export const clauseLabel = (id: string) => (/^\d|^practice/.test(id) ? id : id.replace(/-/g, ' '));
