import type { RecordType } from '../records/registry';
import type { PolicyState } from './state';
import type { AgreementFacts } from './agreement-relation';
import type { ConsentFacts } from './consent-relation';

/**
 * Roles a user can hold (several at once). `safeguarding_lead` is the designated safeguarding lead (practice 4.1):
 * a designation of the person, whatever else they do here (often a manager, sometimes a senior member of staff), so
 * it is a role, not a relation — it ties the actor to no particular record, and rules test it as a bit of the
 * actor's role mask like any other role. Concerns go to them first (src/safeguarding/).
 */
export const ROLES = ['administrator', 'manager', 'guardian', 'staff', 'volunteer', 'student', 'safeguarding_lead'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Every field of every record has one classification (clauses 3.4, 1.4, 2.3, practice 2):
 * - general: names, dates, status: safe for anyone working with the record
 * - personal: contact details, date of birth, case summaries
 * - special: special-category data (health, ethnicity …)
 * - safeguarding: child / vulnerable-adult protection information (practice 4)
 * - session: what happened in sessions and conversations, confidential to the staff team (practice 1–2)
 * - commercial: business information of organisations (1.4, 2.3)
 */
export const CLASSIFICATIONS = ['general', 'personal', 'special', 'safeguarding', 'session', 'commercial'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

/** Record types that carry classified fields: one descriptor each (src/records/registry.ts). */
export { RECORD_TYPES, type RecordType } from '../records/registry';

/** What ties an actor to a record in a rule: a name in the relation registry (src/policy/relations.ts). */
export type Relation = keyof typeof import('./relations').RELATIONS;

/** Bit of a classification in a mask. */
export const classBit = (c: Classification): number => 1 << CLASSIFICATIONS.indexOf(c);
/** Mask of several classifications. */
export const classMask = (cs: readonly Classification[]): number => cs.reduce((m, c) => m | classBit(c), 0);
/** Classifications present in a mask. */
export const classesOf = (mask: number): Classification[] => CLASSIFICATIONS.filter((c) => (mask & classBit(c)) !== 0);
/** Bit of a role in a mask. */
export const roleBit = (r: Role): number => 1 << ROLES.indexOf(r);

/** An active access grant (or break-glass) as the engine sees it: what it covers and at which classifications. */
export interface ActiveGrant {
  id: string;
  kind: 'request' | 'break_glass';
  personId: string | null;
  caseId: string | null;
  organisationId: string | null;
  mask: number;
  expiresAt: string;
}

/** What is loaded about the user a decision is about, once per request (or from the caller cache). */
export interface ActorFacts {
  id: string;
  username: string;
  roles: readonly Role[];
  roleMask: number;
  /** Has accepted the current version of the organisation's confidentiality policy (3.5). */
  policyAccepted: boolean;
  grants: readonly ActiveGrant[];
}

/**
 * The user a decision is about, with the organisation's policy as their unit of work reads it (clause numbers, rule
 * modes): everything `decide()` needs besides the resource.
 */
export interface Actor extends ActorFacts {
  policy: PolicyState;
}

/**
 * What a decision knows about the resource. Record facts are loaded in one query before deciding (rules do no I/O).
 * - team: the actor is on the case team (person: of any of their cases) or the organisation's team
 * - granted: mask of classifications covered by the actor's active grants on this record (of either kind)
 * - emergency: the part of `granted` that comes from break-glass uses
 * - ownerId: the user the resource belongs to (a note's author, a grant's requester, a user account itself)
 */
export interface Resource {
  type?: RecordType | 'user' | 'grant' | 'system' | 'purpose' | 'agreement' | 'meeting';
  id?: string;
  classification?: Classification;
  team?: boolean;
  granted?: number;
  /** Mask of classifications the actor's break-glass uses open on this record (a part of `granted`). */
  emergency?: number;
  ownerId?: string | null;
  /**
   * Team management: the user a change puts on the record's team (added, or given another team role), which
   * records/no-self-assignment checks is not the actor (3.4: nobody assigns need to know to themselves).
   */
  member?: string | null;
  /** The question the consent relation answers, with the facts loaded for it (src/policy/consent-relation.ts). */
  consent?: ConsentFacts;
  /** The facts of a disclosure request the hard rules decide from (src/policy/rules/disclosure.ts). */
  disclosure?: DisclosureFacts;
  /** The question the sharing-agreement relation answers, with its facts (src/policy/agreement-relation.ts). */
  agreement?: AgreementFacts;
  /** The disclosure is a safeguarding referral made for a concern (relations `referral` / `ordinary`, practice 4.1). */
  referral?: boolean;
  /** The disclosure was made under an exception to consent: legal duty, emergency or crime (relation `not-exception`, 1.3). */
  exception?: boolean;
  /** A meeting's facts for sharing its notes with an external attendee (practice 2, 3; src/meetings/). */
  meeting?: MeetingFacts;
  /**
   * The users whose own conduct a breach or a review flag is about (clause 5): the user who broke the glass, the
   * user a flag names. Loaded by src/breaches before deciding (src/breaches/conduct.ts); absent when not asked.
   */
  conductOf?: readonly string[];
  /** No active manager but those in `conductOf` (or none at all): the guardian handles the breach (clause 5). */
  noFreeManager?: boolean;
  /**
   * The purpose the case a write adds information to is held for (2.1), as it stands after the write: loaded before
   * deciding (src/purposes/held-for.ts) for writes that add to a case, and absent for everything else — a read, or
   * closing the case — which the purpose therefore never decides.
   */
  heldFor?: HeldForFacts;
}

/** What a case is held for, as a decision needs it (2.1). */
export interface HeldForFacts {
  /** The purpose in the register; null for a case opened before purposes were required. */
  purposeId: string | null;
  /** That purpose is active and not past its review date (3.1); false when there is none. */
  inForce: boolean;
}

/** What a disclosure would send, as the hard rules see it (2.2, 3.2, practice 2). */
export interface DisclosureFacts {
  /** How many people it concerns. */
  people: number;
  /** It includes session details (fields classified session, session notes). */
  sessionItems: boolean;
  /** The client asked for their session details to go, and that request is recorded. */
  clientRequested: boolean;
  /** It includes organisation-specific data (an organisation's business information or internal notes). */
  organisationItems: boolean;
}

/** What a decision about a meeting's notes knows (practice 2, 3). */
export interface MeetingFacts {
  /** The external attendee the notes would go to has acknowledged confidentiality. */
  acknowledged: boolean;
  /** The client asked for their session details to be passed on (practice 2). */
  clientRequested: boolean;
}

/** The answer to "may this actor do this?", with the reason, never a bare boolean. */
export interface Decision {
  allowed: boolean;
  ruleId: string;
  clauseKey: string;
  /** The organisation's clause numbers for the clause key, e.g. "3.4, 4.2". */
  clause: string;
  reason: string;
  /** How the allow came about (role, team, grant, self), for explanations. */
  via: Relation | null;
  /** What the caller must also do: 'audit' a read of confidential data. */
  obligations: readonly string[];
  /** True when the denial is about the actor (e.g. policy not accepted), so it may be shown as 403 not 404. */
  actorLevel: boolean;
}
