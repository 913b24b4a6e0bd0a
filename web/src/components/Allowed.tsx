import type { ReactNode } from 'react';
import { useSession } from '../session';
import { Notice, PageTitle } from './ui';

/**
 * A page for something only some roles may do (create an account, propose a purpose, read the equality report).
 * Shown only when the API says the user's roles may (`may` of /api/auth/me, the same coarse check every request
 * passes); otherwise the page says who may, instead of a form every request from them would be refused (3.4).
 */
export function Allowed({ action, title, who, before, children }: {
  /** The policy action behind the page ("user.manage"). */
  action: string;
  /** The page's title, shown above the refusal. */
  title: string;
  /** Who may, in words ("Administrators create accounts"). */
  who: string;
  /** What the page shows above its title (breadcrumbs, the area's navigation). */
  before?: ReactNode;
  children: ReactNode;
}) {
  const { me } = useSession();
  if (me.may.includes(action)) return children;
  return (
    <section>
      {before}
      <PageTitle>{title}</PageTitle>
      <Notice tone="info">{who}; your role does not give you this page. If you need it, ask a manager.</Notice>
    </section>
  );
}
