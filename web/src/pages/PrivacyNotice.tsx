import { useQuery } from '@tanstack/react-query';
import { api, call } from '../api/client';
import { AuthFrame } from '../components/AuthFrame';
import { Link, Loading, PageTitle, ProblemMessage, formatDate } from '../components/ui';
import { languageName } from '../labels';
import { useLocation } from '../router';

/** What GET /api/privacy-notice answers. */
interface PublicNotice {
  organisation: { name: string; contact: string; address: string; email: string; phone: string };
  languages: string[];
  notice: { version: number; language: string; title: string; body: string; publishedAt: string | null } | null;
}

/**
 * The organisation's notice for anyone to read, without an account (1.3, 4.1): where every consent receipt and
 * summary of how information is used sends people. The current published version, in the languages it exists in,
 * and how to contact the organisation; when none is published yet, it says so and how to ask for a copy.
 */
export default function PrivacyNotice() {
  const lang = useLocation().search.get('lang') ?? undefined;
  const q = useQuery({
    queryKey: ['privacy-notice', lang ?? ''],
    queryFn: () => call<PublicNotice>(api.GET('/api/privacy-notice', { params: { query: lang ? { lang } : {} } })),
    retry: false,
  });
  if (q.isPending) return <AuthFrame wide><Loading label="Opening the notice…" /></AuthFrame>;
  if (q.error) return <AuthFrame wide><ProblemMessage error={q.error} /></AuthFrame>;
  const { organisation: org, languages, notice } = q.data;
  const reach = [org.address, org.email, org.phone].filter(Boolean);
  return (
    <AuthFrame wide>
      <p className="eyebrow">{org.name}</p>
      <PageTitle title={notice?.title ?? 'How we look after your information'}>{notice?.title ?? 'How we look after your information'}</PageTitle>
      {notice ? (
        <>
          <p className="notice-meta">Version {notice.version} · {languageName(notice.language)}{notice.publishedAt ? ` · published ${formatDate(notice.publishedAt)}` : ''}</p>
          {languages.length > 1 ? (
            <nav aria-label="Other languages" className="language-links">
              {languages.filter((l) => l !== notice.language).map((l) => <Link key={l} href={`/privacy?lang=${encodeURIComponent(l)}`}>{languageName(l)}</Link>)}
            </nav>
          ) : null}
          <div className="notice-text" tabIndex={0} role="region" aria-label="The notice text">{notice.body}</div>
        </>
      ) : (
        <p className="lede">{org.name} has not published its notice here yet. Ask any member of staff for a copy.</p>
      )}
      <section aria-labelledby="contact-title" className="panel contact-panel">
        <h2 id="contact-title">Contact us</h2>
        <p>{org.name} ({org.contact}){reach.length ? ':' : '. Ask any member of staff.'}</p>
        {reach.length ? <ul className="plain-list">{reach.map((r) => <li key={r}>{r}</li>)}</ul> : null}
      </section>
    </AuthFrame>
  );
}
