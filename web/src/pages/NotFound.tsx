import { Link, PageTitle } from '../components/ui';

/** An address inside the app that leads nowhere. */
export function NotFound() {
  return (
    <section className="panel">
      <PageTitle>Page not found</PageTitle>
      <p>There is nothing at this address. <Link href="/">Go to the start page</Link>.</p>
    </section>
  );
}
