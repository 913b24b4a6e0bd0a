// The shapes of the disclosure and sharing-agreement answers the app reads (src/disclosure/queries.ts,
// src/agreements/record.ts), next to models.ts, which holds the rest.
import type { Classification, Restricted } from './models';

export type DisclosureStatus = 'awaiting_approval' | 'awaiting_acknowledgement' | 'acknowledged' | 'released' | 'refused';
export type DisclosureBasis = 'consent' | 'agreement' | 'exception';
export type ExceptionGround = 'legal_duty' | 'emergency' | 'crime';
/** Why the person was not asked for their consent first (1.3, 4.1; src/lib/consent-sought.ts). */
export type NotSoughtBecause = 'not_possible' | 'not_safe' | 'emergency';

/**
 * A disclosure to a third party (1.2, 1.3, 4.3) as its reader may see it: the register's facts are general; the
 * reasons, the justification, the exception's reference and the recipient's e-mail only for the team and management.
 */
export interface Disclosure {
  id: string;
  reference: string;
  personId: string;
  recipientOrganisationId: string;
  recipientName: string;
  recipientRole: string;
  recipientEmail?: string | null;
  purposeId: string;
  reason?: string;
  items: { personFields: string[]; notes: string[]; attachments: string[] };
  itemCount: number;
  dataCategories: Classification[];
  pseudonymise: boolean;
  mode: 'written' | 'oral';
  oralChannel: 'phone' | 'meeting' | null;
  occurredAt: string | null;
  clientRequested: boolean;
  clientRequestDetail?: string | null;
  basis: DisclosureBasis;
  consentId: string | null;
  /** The sharing agreement an agreement-based disclosure rests on (practice 5.1); null on consent or an exception. */
  agreementId?: string | null;
  /** That agreement named: its title and shown status (in_force, ended, terminated, superseded …). */
  agreement?: { id: string; title: string; status: AgreementStatus } | null;
  exceptionGround: ExceptionGround | null;
  exceptionReference?: string | null;
  /**
   * An exception's answer whether the person was asked for their consent first (1.3, 4.1): asked (and `consentAnswer`,
   * refused) or not (and `notSoughtBecause`); null: not recorded — any other basis, a safeguarding referral (its own
   * answers say it), or an exception asked for before it was recorded.
   */
  consentSought?: boolean | null;
  consentAnswer?: 'refused' | null;
  notSoughtBecause?: NotSoughtBecause | null;
  /** The concern a safeguarding referral's disclosure was made for (practice 4.3); null for every other disclosure. */
  concernId?: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  /** 1.3: an urgent referral a manager released at once under the legal duty — approved by nobody — and its later review. */
  releasedAtOnce?: boolean;
  reviewedBy?: string | null;
  reviewedAt?: string | null;
  reviewOutcome?: string | null;
  justification?: string | null;
  tellPerson: boolean | null;
  notToldReason?: string | null;
  personToldAt: string | null;
  status: DisclosureStatus;
  acknowledgementMethod: 'link' | 'staff_attestation' | null;
  acknowledgedBy: string | null;
  acknowledgedOn: string | null;
  acknowledgedAt: string | null;
  /** The terms were accepted under a name other than the named recipient's: check who it was before release (4.3). */
  acknowledgedByOther?: boolean;
  packSha256: string | null;
  packJsonSha256: string | null;
  releasedAt: string | null;
  releasedBy: string | null;
  requestedBy: string;
  requestedAt: string;
  /** When the consent it rests on was withdrawn while it waited to go out: then it cannot be released (1.3). */
  consentWithdrawnAt?: string | null;
  /** When the sharing agreement it rests on ended while it waited to go out, none other covering it: then it cannot be released (5.1). */
  agreementEndedAt?: string | null;
  /** Its purpose, when no longer in force while it waited to go out (retired, a draft, or past its review): then it cannot be released (3.1). */
  purposeNotInForce?: { id: string; name: string; state: 'retired' | 'draft' | 'review-overdue'; reviewDueOn: string } | null;
  version: number;
}

/** One disclosure read, with what the reader may do with it, decided by the policy (never by the app). */
export interface DisclosureView {
  data: Disclosure;
  restricted: Restricted[];
  version: number;
  /** `pack`: whether the released pack may be opened (3.4); what the reader's copy then holds is `pack` below. */
  can: { approve: boolean; release: boolean; recordTold: boolean; pack?: boolean };
  /**
   * Once released, and only to a reader who may open the pack: whether they read it as it went out, or their own copy
   * with the items they may not read where those are kept withheld (3.4, 4.2) — each named, with the reason, never its value.
   */
  pack?: { copy: 'as-released' | 'reader'; withheld: PackWithheld[] };
}

/** An item of a released pack withheld from the reader's copy (src/disclosure/pack-read.ts). */
export interface PackWithheld {
  /** `personFields.<field>`, `notes.<id>`, `attachments.<id>` or `concern`. */
  item: string;
  label: string;
  classes: Classification[];
  reason: string;
}

/** What the one-time link shows before acknowledgement: nothing confidential. */
export interface AcknowledgementTerms {
  reference: string;
  from: string;
  recipient: { organisation: string; name: string; role: string };
  terms: string;
  expiresAt: string;
}

export type AgreementStatus = 'draft' | 'signed' | 'in_force' | 'ended' | 'terminated' | 'superseded';
/** A sharing agreement — a joint working protocol with partners (practice 5.1). */
export interface Agreement {
  id: string;
  title: string;
  status: AgreementStatus;
  usable: boolean;
  partners: Array<{ organisationId: string; name: string }>;
  purposeIds: string[];
  dataCategories: Classification[];
  conditions: { security: string; onwardSharing: string; retention: string; breachNotification: string };
  requiresConsent: boolean;
  startsOn: string;
  endsOn: string;
  reviewOn: string;
  signatories: Array<{ party: 'ours' | 'partner'; organisationId: string | null; userId: string | null; name: string; role: string; signedOn: string }>;
  /** Parties still to sign: "ours" or a partner's organisation id. */
  awaitingSignatures: string[];
  document: { attached: boolean; filename?: string; contentType?: string; sizeBytes?: number; sha256?: string; uploadedAt?: string };
  signedAt: string | null;
  terminatedAt: string | null;
  terminationReason: string | null;
  supersedes: string | null;
  supersededBy: string | null;
  version: number;
  /** On the review list: what falls due within the window. */
  due?: 'review' | 'end' | 'review and end';
  /** On the review list: its review date is already past. */
  reviewOverdue?: boolean;
}
/** What the reader may do with agreements, decided by the policy. */
export interface AgreementCan {
  manage: boolean;
  document: boolean;
}
export interface AgreementView {
  data: Agreement;
  version: number;
  can: AgreementCan;
}

/** What an external meeting attendee's one-time link shows before acknowledgement (practice 3): nothing confidential. */
export interface MeetingLinkTerms {
  from: string;
  attendee: { name: string; organisation: string | null; role: string };
  heldAt: string;
  terms: string;
  expiresAt: string;
  next: string;
}

/** What the link gives once the attendee acknowledged: this meeting's notes once, or why they are withheld. */
export interface MeetingLinkResult {
  acknowledged: true;
  notes: { marking: 'CONFIDENTIAL'; reference: string; from: string; meeting: { id: string; title: string; heldAt: string; notes: string }; sha256: string } | null;
  pdf: { filename: string; contentType: string; sha256: string; base64: string } | null;
  withheld: { reason: string; rule: string; clause: string } | null;
}
