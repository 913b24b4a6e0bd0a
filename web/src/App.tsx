import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Layout } from './components/Layout';
import { Loading, ProblemMessage } from './components/ui';
import { AuthFrame } from './components/AuthFrame';
import { AcceptPolicy } from './pages/AcceptPolicy';
import { ChangePassword } from './pages/ChangePassword';
import { NotFound } from './pages/NotFound';
import { PeopleList } from './pages/PeopleList';
import { PersonPage } from './pages/PersonPage';
import { SignIn } from './pages/SignIn';
import { match, navigate, useLocation } from './router';
import { hasRole, SessionProvider, useMeQuery, useSessionExpiry } from './session';

// Pages most people visit every day load with the app; the rest load when first opened.
const CasePage = lazy(() => import('./pages/CasePage'));
const NotePage = lazy(() => import('./pages/NotePage'));
const PersonForm = lazy(() => import('./pages/PersonForm'));
const RegisterPerson = lazy(() => import('./pages/firstContact/RegisterPerson'));
const RecordFirstContact = lazy(() => import('./pages/firstContact/RecordFirstContact'));
const NotYetTold = lazy(() => import('./pages/firstContact/NotYetTold'));
const Notices = lazy(() => import('./pages/notices/Notices'));
const RecordConsent = lazy(() => import('./pages/consent/RecordConsent'));
const AccessLog = lazy(() => import('./pages/access/AccessLog'));
const AccessInbox = lazy(() => import('./pages/access/AccessInbox'));
const BreakGlassQueue = lazy(() => import('./pages/access/BreakGlassQueue'));
const Accounts = lazy(() => import('./pages/admin/Accounts'));
const AccountDetail = lazy(() => import('./pages/admin/AccountDetail'));
const NewAccount = lazy(() => import('./pages/admin/NewAccount'));
const YourAccount = lazy(() => import('./pages/YourAccount'));
const RaiseConcern = lazy(() => import('./pages/concerns/RaiseConcern'));
const ConcernPage = lazy(() => import('./pages/concerns/ConcernPage'));
const ConcernInbox = lazy(() => import('./pages/concerns/ConcernLists').then((m) => ({ default: m.ConcernInbox })));
const MyConcerns = lazy(() => import('./pages/concerns/ConcernLists').then((m) => ({ default: m.MyConcerns })));
const ClosedConcerns = lazy(() => import('./pages/concerns/ConcernLists').then((m) => ({ default: m.ClosedConcerns })));
const ReferralList = lazy(() => import('./pages/concerns/ReferralList'));
const Notifications = lazy(() => import('./pages/Notifications'));
const OrganisationList = lazy(() => import('./pages/Organisations').then((m) => ({ default: m.OrganisationList })));
const RequestDisclosure = lazy(() => import('./pages/disclosure/RequestDisclosure'));
const DisclosurePage = lazy(() => import('./pages/disclosure/DisclosurePage'));
const DisclosureRegister = lazy(() => import('./pages/disclosure/Register').then((m) => ({ default: m.DisclosureRegister })));
const DisclosureApprovals = lazy(() => import('./pages/disclosure/Register').then((m) => ({ default: m.DisclosureApprovals })));
const Acknowledge = lazy(() => import('./pages/disclosure/Acknowledge'));
const MeetingAcknowledge = lazy(() => import('./pages/meetings/MeetingAcknowledge'));
const PrivacyNotice = lazy(() => import('./pages/PrivacyNotice'));
const Agreements = lazy(() => import('./pages/agreements/Agreements').then((m) => ({ default: m.Agreements })));
const AgreementsReview = lazy(() => import('./pages/agreements/Agreements').then((m) => ({ default: m.AgreementsReview })));
const NewAgreement = lazy(() => import('./pages/agreements/NewAgreement'));
const AgreementPage = lazy(() => import('./pages/agreements/AgreementPage'));
const ReportBreach = lazy(() => import('./pages/breaches/ReportBreach'));
const BreachRegister = lazy(() => import('./pages/breaches/BreachLists').then((m) => ({ default: m.BreachRegister })));
const MyBreaches = lazy(() => import('./pages/breaches/BreachLists').then((m) => ({ default: m.MyBreaches })));
const BreachPage = lazy(() => import('./pages/breaches/BreachPage'));
const ReviewFlags = lazy(() => import('./pages/breaches/ReviewFlags'));
const PurposeList = lazy(() => import('./pages/purposes/PurposeList'));
const NewPurpose = lazy(() => import('./pages/purposes/NewPurpose'));
const PurposePage = lazy(() => import('./pages/purposes/PurposePage'));
const RecordMeeting = lazy(() => import('./pages/meetings/RecordMeeting'));
const MeetingPage = lazy(() => import('./pages/meetings/MeetingPage'));
const InformationUse = lazy(() => import('./pages/informationUse/InformationUse'));
const PolicyMatrix = lazy(() => import('./pages/policy/PolicyMatrix'));
const PolicyVersions = lazy(() => import('./pages/policy/PolicyVersions'));
const PolicyVersion = lazy(() => import('./pages/policy/PolicyVersion'));
const RuleModes = lazy(() => import('./pages/policy/RuleModes'));
const AuditStatus = lazy(() => import('./pages/policy/AuditStatus'));
const ManagementReview = lazy(() => import('./pages/review/ManagementReview'));
const PolicyReviews = lazy(() => import('./pages/review/PolicyReviews'));
const EqualityReport = lazy(() => import('./pages/review/EqualityReport'));
const OrganisationPage = lazy(() => import('./pages/Organisations').then((m) => ({ default: m.OrganisationPage })));

type Page = (params: Record<string, string>) => ReactNode;
/** The app's pages by path (the server serves the app for these sections: src/web/routes.ts APP_SECTIONS). */
const PAGES: Array<[string, Page]> = [
  ['/people', () => <PeopleList />],
  ['/people/new', () => <RegisterPerson />],
  ['/people/not-yet-told', () => <NotYetTold />],
  ['/people/:id', (p) => <PersonPage id={p.id} />],
  ['/people/:id/edit', (p) => <PersonForm id={p.id} />],
  ['/people/:id/first-contact', (p) => <RecordFirstContact id={p.id} />],
  ['/notices', () => <Notices />],
  ['/people/:id/consents/new', (p) => <RecordConsent id={p.id} />],
  ['/people/:id/access-log', (p) => <AccessLog personId={p.id} />],
  ['/cases/:id', (p) => <CasePage id={p.id} />],
  ['/notes/:id', (p) => <NotePage id={p.id} />],
  ['/organisations', () => <OrganisationList />],
  ['/organisations/:id', (p) => <OrganisationPage id={p.id} />],
  ['/access', () => <AccessInbox />],
  ['/access/break-glass', () => <BreakGlassQueue />],
  ['/admin/accounts', () => <Accounts />],
  ['/admin/accounts/new', () => <NewAccount />],
  ['/admin/accounts/:id', (p) => <AccountDetail id={p.id} />],
  ['/account', () => <YourAccount />],
  ['/concerns', () => <ConcernInbox />],
  ['/concerns/new', () => <RaiseConcern />],
  ['/concerns/mine', () => <MyConcerns />],
  ['/concerns/closed', () => <ClosedConcerns />],
  ['/concerns/referrals', () => <ReferralList />],
  ['/concerns/:id', (p) => <ConcernPage id={p.id} />],
  ['/notifications', () => <Notifications />],
  ['/people/:id/disclosures/new', (p) => <RequestDisclosure id={p.id} />],
  ['/disclosures', () => <DisclosureRegister />],
  ['/disclosures/approvals', () => <DisclosureApprovals />],
  ['/disclosures/:id', (p) => <DisclosurePage id={p.id} />],
  ['/agreements', () => <Agreements />],
  ['/agreements/new', () => <NewAgreement />],
  ['/agreements/review', () => <AgreementsReview />],
  ['/agreements/:id', (p) => <AgreementPage id={p.id} />],
  ['/breaches', () => <BreachRegister />],
  ['/breaches/new', () => <ReportBreach />],
  ['/breaches/mine', () => <MyBreaches />],
  ['/breaches/flags', () => <ReviewFlags />],
  ['/breaches/:id', (p) => <BreachPage id={p.id} />],
  ['/purposes', () => <PurposeList />],
  ['/purposes/new', () => <NewPurpose />],
  ['/purposes/:id', (p) => <PurposePage id={p.id} />],
  ['/people/:id/meetings/new', (p) => <RecordMeeting personId={p.id} />],
  ['/meetings/:id', (p) => <MeetingPage id={p.id} />],
  ['/people/:id/information-use', (p) => <InformationUse id={p.id} />],
  ['/admin/policy', () => <PolicyMatrix />],
  ['/admin/policy/versions', () => <PolicyVersions />],
  ['/admin/policy/versions/:version', (p) => <PolicyVersion version={p.version} />],
  ['/admin/policy/rules', () => <RuleModes />],
  ['/admin/audit', () => <AuditStatus />],
  ['/review', () => <ManagementReview />],
  ['/review/policy', () => <PolicyReviews />],
  ['/review/equality', () => <EqualityReport />],
];

function Routes() {
  const { pathname } = useLocation();
  for (const [pattern, page] of PAGES) {
    const params = match(pattern, pathname);
    if (params) return <Suspense fallback={<Loading />}>{page(params)}</Suspense>;
  }
  return <NotFound />;
}

/**
 * Where "/" and "/sign-in" lead once signed in: a link from an e-mail ("/#/concerns/<id>", a breach's, a
 * disclosure's, the management review: the fragment keeps the id out of server logs) to its page; otherwise administrators to accounts, safeguarding leads who work with no
 * clients to the concerns, everyone else to their people.
 */
function Home({ start }: { start: string }) {
  useEffect(() => {
    const fromEmail = /^#(\/(?:concerns|breaches|disclosures)\/[0-9a-f-]{36}|\/review)$/.exec(location.hash)?.[1];
    navigate(fromEmail ?? start, { replace: true });
  }, [start]);
  return <Loading />;
}

/**
 * The app: the pages open without signing in — a recipient accepting the confidentiality terms through their
 * one-time link (4.3), an external meeting attendee through theirs (practice 3), anyone reading the notice that
 * receipts link to (1.3, 4.1) — or the signed-in app behind its gate.
 */
export function App() {
  const { pathname } = useLocation();
  const ack = match('/acknowledge/:token', pathname);
  if (ack) return <Suspense fallback={<Loading />}><Acknowledge token={ack.token} /></Suspense>;
  const meetingAck = match('/meeting-acknowledge/:token', pathname);
  if (meetingAck) return <Suspense fallback={<Loading />}><MeetingAcknowledge token={meetingAck.token} /></Suspense>;
  if (pathname === '/privacy') return <Suspense fallback={<Loading />}><PrivacyNotice /></Suspense>;
  return <Gate />;
}

/**
 * The gate every page passes: signed in, own password chosen, current policy accepted (3.5) — in that order —
 * then the page asked for. A session that ends while the app is open brings the sign-in page back with a message.
 */
function Gate() {
  const me = useMeQuery();
  const [expired, setExpired] = useSessionExpiry();
  const { pathname } = useLocation();
  if (me.isPending) return <Loading label="Opening Confide…" />;
  if (me.isError) return <main className="centered"><ProblemMessage error={me.error} /></main>;
  const refresh = async () => {
    setExpired(null);
    await me.refetch();
  };
  if (!me.data) return <SignIn message={expired} onSignedIn={refresh} />;
  const session = { me: me.data, refresh };
  if (me.data.user.mustChangePassword) return <SessionProvider value={session}><ChangePassword firstRun /></SessionProvider>;
  if (!me.data.policyAccepted) {
    // A concern or a suspected breach never waits for the policy to be accepted (practice 4.1, clause 5): those two
    // pages open before it, nothing else does.
    const urgent = pathname === '/concerns/new' ? <RaiseConcern /> : pathname === '/breaches/new' ? <ReportBreach /> : null;
    return <SessionProvider value={session}>{urgent ? <AuthFrame wide><Suspense fallback={<Loading />}>{urgent}</Suspense></AuthFrame> : <AcceptPolicy />}</SessionProvider>;
  }
  const worksWithClients = hasRole(me.data, 'manager', 'guardian', 'staff', 'volunteer', 'student');
  const start = worksWithClients ? '/people' : hasRole(me.data, 'safeguarding_lead') ? '/concerns' : hasRole(me.data, 'administrator') ? '/admin/accounts' : '/people';
  return (
    <SessionProvider value={session}>
      <Layout>{pathname === '/' || pathname === '/sign-in' ? <Home start={start} /> : <Routes />}</Layout>
    </SessionProvider>
  );
}
