import { defineRecord, field as f, VERSIONED_META } from '../records/descriptor';

/**
 * A suspected breach of the confidentiality policy (clause 5) as it was reported, and its status. Its fields are
 * exactly what the reporter may read back: what they wrote (`report`, personal: it may name people) and the status.
 * The handling — what management established, the ICO clock, the risk assessment, containment, the decisions on
 * telling the ICO and the people affected, the disciplinary reference — is not a field of the report: it is shown
 * to those who review breaches (action `breach.review`) and changed by those who handle them (`breach.handle`), see
 * src/breaches/handling.ts.
 *
 * A breach is about no one person (it may affect many, linked in breach_people) and no team or access grant
 * reaches it (`access: null`): who sees it is decided by role, and by who reported it (`reported_by`, the `self`
 * relation: "reported this breach").
 */
export const BREACH_RECORD = defineRecord({
  type: 'breach',
  noun: 'breach',
  table: 'breaches',
  fields: [
    f('id', 'id', 'general'),
    f('status', 'status', 'general'),
    f('source', 'source', 'general'),
    f('reportedBy', 'reported_by', 'general'),
    f('reportedAt', 'reported_at', 'general'),
    f('report', 'report', 'personal'),
    f('reportedOccurredAt', 'reported_occurred_at', 'general'),
    ...VERSIONED_META,
  ],
  // report: anyone working here; read: the report (the reporter their own; management and the guardian all);
  // review: read the handling and the ICO clock; handle: record the handling and close; flags: work the review flags
  // (management's queue; the guardian handles a breach, and decides a flag, only when no manager is free to).
  actions: ['read', 'report', 'review', 'handle', 'flags'],
  subjectPerson: null,
  access: null,
  owner: 'reported_by',
  // Whose conduct it is about (src/breaches/conduct.ts): who broke the glass it was reviewed from, whom the flag it
  // was opened from names. Nobody deals with — nor reads — a breach about their own conduct (breaches/not-own-conduct).
  conduct: [
    '(select cg.user_id from access_grants cg where cg.id = breaches.grant_id)',
    '(select cf.user_id from breach_flags cf where cf.id = breaches.flag_id)',
  ],
});
