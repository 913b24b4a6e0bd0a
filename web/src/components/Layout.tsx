import type { ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call, setCsrfToken } from '../api/client';
import type { Notification, Page } from '../api/models';
import { roleList } from '../labels';
import { navigate, useLocation } from '../router';
import { hasRole, useSession } from '../session';
import { Button, Link } from './ui';
import { ADMIN_AREA_ROLES, WORKING_ROLES } from '../pages/policy/roles';

/** The frame of every signed-in page: skip link, header with the main sections, the page itself. */
export function Layout({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const queryClient = useQueryClient();
  const { pathname } = useLocation();
  const sections = [
    ...(hasRole(me, 'manager', 'guardian', 'staff', 'volunteer', 'student') ? [{ href: '/people', label: 'People' }, { href: '/people/not-yet-told', label: 'Not yet told' }, { href: '/organisations', label: 'Organisations' }] : []),
    { href: '/access', label: hasRole(me, 'manager') ? 'Access requests' : 'Your access' },
    ...(hasRole(me, 'manager') ? [{ href: '/access/break-glass', label: 'Break-glass reviews' }] : []),
    // The disclosure register is management's and the guardian's (4.3); agreements are read by everyone, managed by
    // management and the guardian, and used by staff when they share (practice 5.1).
    ...(hasRole(me, 'manager', 'guardian') ? [{ href: '/disclosures', label: 'Disclosures' }] : []),
    ...(hasRole(me, 'manager', 'guardian', 'staff') ? [{ href: '/agreements', label: 'Agreements' }] : []),
    ...(hasRole(me, 'administrator') ? [{ href: '/admin/accounts', label: 'Accounts' }] : []),
    // Administration: the policy, its traceability matrix and rule modes (management, the guardian, administrators:
    // monitoring and review), the audit trail's status (administrators and the guardian, rule audit/verify).
    ...(hasRole(me, ...ADMIN_AREA_ROLES) ? [{ href: '/admin/policy', label: 'Administration' }] : []),
    ...(hasRole(me, 'safeguarding_lead', 'manager') ? [{ href: '/concerns', label: 'Concerns' }] : hasRole(me, ...WORKING_ROLES) ? [{ href: '/concerns/mine', label: 'Your concerns' }] : []),
    // The breach register for those who see every breach (clause 5: management handle, the guardian reviews); anyone
    // else working here reports one and follows their own reports.
    ...(hasRole(me, 'manager', 'guardian') ? [{ href: '/breaches', label: 'Breaches' }]
      : hasRole(me, ...WORKING_ROLES) ? [{ href: '/breaches/new', label: 'Report a breach' }] : []),
    ...(hasRole(me, 'manager', 'guardian') ? [{ href: '/purposes', label: 'Purposes' }] : []),
    // The notice people are told at first contact (4.1), for those the API lets publish it (management, the guardian).
    ...(me.may.includes('notice.publish') ? [{ href: '/notices', label: 'Notice' }] : []),
    // The management review is the Senior Management Team's (review/senior-management-only: managers only; 3.6).
    ...(hasRole(me, 'manager') ? [{ href: '/review', label: 'Management review' }] : []),
  ];
  const within = (href: string) => pathname === href || (href !== '/access' && href !== '/concerns/mine' && href !== '/breaches/new' && pathname.startsWith(`${href}/`) && pathname !== '/concerns/new');
  // The most specific section is the current one ("Not yet told" inside "People").
  const current = (href: string) => within(href) && !sections.some((s) => s.href.length > href.length && within(s.href));
  const signOut = async () => {
    await call(api.POST('/api/auth/sign-out', { body: {} })).catch(() => undefined);
    setCsrfToken(null);
    queryClient.clear();
    navigate('/sign-in', { replace: true });
    queryClient.setQueryData(['me'], null);
  };
  return (
    <>
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <div className="topbar-inner">
          <Link href="/" className="brand">
            <span className="brand-mark" aria-hidden="true">C</span>Confide
          </Link>
          <nav aria-label="Main" className="mainnav">
            <ul>
              {sections.map((s) => (
                <li key={s.href}>
                  <Link href={s.href} aria-current={current(s.href) ? 'page' : undefined}>{s.label}</Link>
                </li>
              ))}
            </ul>
          </nav>
          {/* Page-wide actions: "Raise a concern" first, on every page, for everyone working here (practice 4.1–4.2). */}
          <div className="topbar-actions">
            {hasRole(me, ...WORKING_ROLES) ? (
              <Link href="/concerns/new" className="raise-concern" aria-current={pathname === '/concerns/new' ? 'page' : undefined}>
                <span aria-hidden="true" className="raise-mark">!</span>Raise a concern
              </Link>
            ) : null}
            <AlertsLink current={pathname === '/notifications'} />
            <Link href="/account" className="who">
              <span className="who-name"><span className="visually-hidden">Your account: </span>{me.user.displayName}</span>
              <span className="who-roles">{roleList(me.user.roles)}</span>
            </Link>
            <Button variant="quiet" onPress={signOut}>Sign out</Button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1} className="page">{children}</main>
    </>
  );
}

/** The header's alerts: how many of the user's notifications are unread, refreshed every minute and on focus. */
function AlertsLink({ current }: { current: boolean }) {
  const unread = useQuery({
    queryKey: ['notifications', 'unread'],
    queryFn: () => call<Page<Notification>>(api.GET('/api/notifications', { params: { query: { unread: 'true', limit: 100 } } })),
    refetchInterval: 60_000,
  });
  const n = unread.data?.items.length ?? 0;
  const shown = unread.data?.nextCursor ? '100+' : String(n);
  return (
    <Link href="/notifications" className="alerts-link" aria-current={current ? 'page' : undefined}>
      <span>Alerts</span>
      {n ? <span className="alerts-count"><span className="visually-hidden">, </span>{shown}<span className="visually-hidden"> unread</span></span> : null}
    </Link>
  );
}
