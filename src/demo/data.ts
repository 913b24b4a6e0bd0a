import type { CreateNoteInput } from '../notes/schema';
import type { CreateOrganisationInput } from '../organisations/schema';
import type { CreatePersonInput } from '../people/schema';
import type { Role } from '../policy/types';

/**
 * The fictional demo organisation loaded by `confide demo`. Every name, note and detail here is invented; names
 * carry "(demo)" and notes start with a marker so nobody mistakes them for real records. Phone numbers are in
 * Ofcom's drama range and e-mail addresses use the reserved example.org domain.
 */
export const DEMO_ORGANISATION = 'Demo: Riverside Music Project';

/** Marks every demo note so it is never mistaken for a real one. */
export const DEMO_MARK = '[Fictional demo data]';

/** One demo account. */
export interface DemoUser {
  username: string;
  displayName: string;
  roles: Role[];
}

/**
 * An account in each role, plus a demo administrator and a second manager: a non-urgent safeguarding referral is
 * approved by a manager other than the one who made it, and a manager's own break-glass use or access request is
 * decided by another manager (grant/no-self-approval), so those journeys need two.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'demo.admin', displayName: 'Demo Administrator (fictional)', roles: ['administrator'] },
  { username: 'demo.manager', displayName: 'Morgan Reyes (demo manager)', roles: ['manager'] },
  { username: 'demo.manager2', displayName: 'Nadia Brook (demo manager)', roles: ['manager'] },
  { username: 'demo.guardian', displayName: 'Gabriel Osei (demo guardian)', roles: ['guardian'] },
  { username: 'demo.staff1', displayName: 'Sam Patel (demo staff)', roles: ['staff'] },
  { username: 'demo.staff2', displayName: 'Jo Lindqvist (demo staff)', roles: ['staff'] },
  { username: 'demo.volunteer', displayName: 'Vic Adeyemi (demo volunteer)', roles: ['volunteer'] },
  { username: 'demo.student', displayName: 'Stevie Park (demo student, placement)', roles: ['student'] },
];

/** A note written on a demo case by one of the demo staff, some days before the load. */
export interface DemoNote {
  by: string;
  daysAgo: number;
  input: Omit<CreateNoteInput, 'occurredAt'>;
}

/** A demo person: who records them, their first case (if any), its team, and notes on it. */
export interface DemoPerson {
  by: string;
  person: Omit<CreatePersonInput, 'openCase'>;
  /** Added afterwards by the demo manager (only management write safeguarding information, practice 4.1). */
  safeguardingNotes?: string;
  service?: string;
  /** Extra team members (username → team role), added by the demo manager (3.4: management assign need to know). */
  team?: Record<string, 'lead' | 'worker' | 'volunteer' | 'student'>;
  notes?: DemoNote[];
}

const session = (by: string, daysAgo: number, title: string, body: string): DemoNote => ({
  by, daysAgo, input: { kind: 'session', title: `Demo: ${title}`, body: `${DEMO_MARK} ${body}` },
});
const contact = (by: string, daysAgo: number, channel: 'telephone' | 'email' | 'face_to_face', title: string, body: string): DemoNote => ({
  by, daysAgo, input: { kind: 'contact', channel, title: `Demo: ${title}`, body: `${DEMO_MARK} ${body}` },
});

const S1 = 'demo.staff1';
const S2 = 'demo.staff2';

/** Twelve fictional people: nine young people with cases, a parent, a staff member and a volunteer. */
export const DEMO_PEOPLE: readonly DemoPerson[] = [
  {
    by: S1, service: 'Drum mentoring (demo)', team: { 'demo.volunteer': 'volunteer' },
    person: { kind: 'service_user', givenName: 'Alex', familyName: 'Marsh (demo)', pronouns: 'they/them', dateOfBirth: '2010-05-14', email: 'alex.marsh@example.org', phone: '07700 900101', healthNotes: 'Fictional: mild asthma, carries an inhaler.' },
    notes: [
      session(S1, 21, 'first drum session', 'Alex tried a basic rock beat and stayed for the full hour. Talked a little about school.'),
      session(S1, 14, 'second drum session', 'Worked on fills. Alex said home has been noisy lately; agreed to check in next week.'),
      contact(S1, 10, 'telephone', 'call with parent', 'Parent called to say Alex enjoys the sessions; no concerns raised.'),
    ],
  },
  {
    by: S1, service: 'Drum mentoring (demo)', team: { 'demo.staff2': 'worker' },
    person: { kind: 'service_user', givenName: 'Bea', familyName: 'Nolan (demo)', pronouns: 'she/her', dateOfBirth: '2009-11-02', phone: '07700 900102', ethnicity: 'Fictional: White Irish' },
    safeguardingNotes: 'Fictional: school safeguarding lead informed of a disclosure; manager following up under practice 4.1.',
    notes: [
      session(S1, 12, 'drum session', 'Bea was quiet at first, then played confidently. Mentioned worries about a friend.'),
      session(S2, 5, 'joint session', 'Co-led with Sam. Bea asked about joining the band night.'),
    ],
  },
  {
    by: S1, service: 'Songwriting group (demo)', team: { 'demo.student': 'student' },
    person: { kind: 'service_user', givenName: 'Caleb', familyName: 'Owusu (demo)', dateOfBirth: '2008-03-30', email: 'caleb.owusu@example.org' },
    notes: [session(S1, 9, 'songwriting', 'Caleb wrote a verse about moving house. Proud of it.')],
  },
  {
    by: S1, service: 'Songwriting group (demo)',
    person: { kind: 'service_user', givenName: 'Dani', familyName: 'Price (demo)', pronouns: 'she/her', dateOfBirth: '2011-07-19', healthNotes: 'Fictional: hearing aid in left ear; sit on the right.' },
    notes: [
      session(S1, 8, 'songwriting', 'Dani worked on a chorus with the group.'),
      contact(S1, 3, 'email', 'email from school', 'Teacher e-mailed to say attendance has improved.'),
    ],
  },
  {
    by: S1, service: 'Guitar for beginners (demo)',
    person: { kind: 'service_user', givenName: 'Eli', familyName: 'Quinn (demo)', dateOfBirth: '2012-01-08' },
    notes: [session(S1, 6, 'guitar', 'Eli learned three chords. Needs a smaller guitar.')],
  },
  {
    by: S2, service: 'Guitar for beginners (demo)', team: { 'demo.volunteer': 'volunteer' },
    person: { kind: 'service_user', givenName: 'Farah', familyName: 'Rahman (demo)', pronouns: 'she/her', dateOfBirth: '2010-09-23', phone: '07700 900106', ethnicity: 'Fictional: British Bangladeshi' },
    notes: [
      session(S2, 15, 'guitar', 'Farah practised strumming patterns; talked about exam stress.'),
      contact(S2, 4, 'face_to_face', 'chat after session', 'Farah asked whether she can bring a friend next time.'),
    ],
  },
  {
    by: S2, service: 'Band night (demo)',
    person: { kind: 'service_user', givenName: 'Gus', familyName: 'Sato (demo)', dateOfBirth: '2007-12-12', email: 'gus.sato@example.org' },
    safeguardingNotes: 'Fictional: missed three sessions; manager contacted the referring youth worker.',
    notes: [session(S2, 11, 'band night', 'Gus played bass for the group and helped a newer member.')],
  },
  {
    by: S2, service: 'Band night (demo)', team: { 'demo.student': 'student' },
    person: { kind: 'service_user', givenName: 'Hana', familyName: 'Toth (demo)', pronouns: 'she/her', dateOfBirth: '2009-04-04', healthNotes: 'Fictional: type 1 diabetes; snacks in the office.' },
    notes: [
      session(S2, 7, 'band night', 'Hana sang lead on two songs.'),
      contact(S2, 2, 'telephone', 'call with carer', 'Carer asked about transport home after band night.'),
    ],
  },
  {
    by: S2, service: 'Drum mentoring (demo)',
    person: { kind: 'service_user', givenName: 'Ivo', familyName: 'Umeh (demo)', dateOfBirth: '2011-02-17' },
    notes: [session(S2, 1, 'first drum session', 'Ivo was nervous but stayed; agreed goals for the next six weeks.')],
  },
  { by: 'demo.manager', person: { kind: 'member_of_public', givenName: 'Jamie', familyName: 'Vance (demo parent)', phone: '07700 900110', email: 'jamie.vance@example.org' } },
  { by: 'demo.manager', person: { kind: 'staff', givenName: 'Kit', familyName: 'Walsh (demo staff record)', email: 'kit.walsh@example.org' } },
  { by: 'demo.manager', person: { kind: 'volunteer', givenName: 'Lee', familyName: 'Young (demo volunteer record)', phone: '07700 900112' } },
];

/** A demo organisation record: who records it and who else joins its team (deals with it, 1.4, 2.3). */
export interface DemoOrganisation {
  by: string;
  team?: string[];
  input: CreateOrganisationInput;
}

/**
 * A partner agency and a funder, each with commercial notes only their team sees; and the statutory agencies a
 * safeguarding referral goes to (practice 4.3), so a referral can be tried end to end.
 */
export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    by: S1, team: [S2],
    input: {
      kind: 'partner_agency', name: 'Demo: Northbank Youth Service (fictional partner)', website: 'https://northbank.example.org',
      contactName: 'Rae Fictional', contactEmail: 'referrals@northbank.example.org', contactPhone: '07700 900201',
      commercialNotes: `${DEMO_MARK} Referral agreement: 12 places a term at a shared cost of £40 a session (invented figures).`,
    },
  },
  {
    by: 'demo.manager',
    input: {
      kind: 'funder', name: 'Demo: Riverside Arts Trust (fictional funder)', website: 'https://arts-trust.example.org',
      contactName: 'Pat Example', contactEmail: 'grants@arts-trust.example.org',
      commercialNotes: `${DEMO_MARK} Grant of £18,000 over two years; renewal bid due in the autumn (invented figures).`,
    },
  },
  {
    by: 'demo.manager',
    input: {
      kind: 'local_authority', name: "Demo: Riverside Council Children's Services (fictional)", contactName: 'Duty team',
      contactEmail: 'front-door@council.example.org', contactPhone: '07700 900301',
    },
  },
  {
    by: 'demo.manager',
    input: { kind: 'police', name: 'Demo: Riverside Police Public Protection Unit (fictional)', contactName: 'Duty officer', contactPhone: '07700 900302' },
  },
];

/**
 * The purpose register's first demo entry (3.1, 2.1): proposed by the demo manager and approved by the demo guardian;
 * the demo's cases are held for it, and consent and exports, which each name an active purpose, can be tried.
 */
export const DEMO_PURPOSE = {
  name: 'Support planning and service reports (demo)',
  description: '[Fictional demo data] Planning each young person\'s support with them and reporting on the service to the staff team; nothing identifiable leaves the organisation.',
  lawfulBasis: 'legitimate_interests',
  art9Condition: 'not_for_profit_body',
  dataCategories: ['general', 'personal', 'special'],
  recipientCategories: ['internal service only'],
  needsIdentity: true,
  retentionPeriod: 'P6Y',
} as const;

/**
 * The demo's purpose for sharing with the partners in its register (3.1, 4.3): a disclosure goes only to a recipient
 * its purpose names (rule disclosure/recipient-within-purpose), and the first purpose keeps everything in house.
 */
export const DEMO_SHARING_PURPOSE = {
  name: 'Joint working with partner agencies (demo)',
  description: '[Fictional demo data] Sharing what a partner agency, the council or the police needs to support or protect a young person, with their consent, under a signed sharing agreement, or where the law requires it.',
  lawfulBasis: 'legitimate_interests',
  art9Condition: 'not_for_profit_body',
  // Session details go to no third party unless the client asks (practice 2): the purpose covers them so that, when
  // a client does ask, the sharing can be tried; the disclosure itself still checks that they asked.
  dataCategories: ['general', 'personal', 'special', 'session'],
  recipientCategories: ['named partner organisation', 'local authority', 'police'],
  needsIdentity: true,
  retentionPeriod: 'P6Y',
} as const;

/**
 * The demo's confidentiality notice (4.1: people are told of the policy at first contact), published by the demo
 * manager so first contact can be recorded. Written in plain words for the young people the demo organisation works
 * with, and labelled as invented: it is not legal advice and no real organisation's notice.
 */
export const DEMO_NOTICE = {
  language: 'en',
  title: 'How we keep what you tell us private (demo notice)',
  body: `${DEMO_MARK} This is a made-up notice for trying Confide. It belongs to no real organisation.

We write down a few things about you: your name, how to reach you, and short notes about your sessions. This helps us support you well.

Who can see it: only the staff who work with you, and our managers. They see only what they need to know to help you.

Sharing: we only pass on what you tell us if you say yes first. We will tell you why, who would see it, and what happens if you say yes or no. Saying no is OK, but it might mean we cannot refer you to some other services.

When we might have to share without asking: if we are worried that you or someone else could be badly hurt, we may have to tell the council or the police. We may also have to if the law says so. If we can, we will tell you first.

Your choices: you can ask to see what we have written about you. You can ask us to fix anything that is wrong. You can change your mind about sharing at any time.

Questions or worries? Ask any of our staff. If you think we got something wrong, tell a manager.`,
} as const;
