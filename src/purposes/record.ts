import type { PurposeRow } from '../db/schema';
import { ORGANISATION_KINDS } from '../organisations/schema';
import { purposeReaches } from './reaches';

/**
 * The purpose register's record type (3.1): its table, fields and actions, said once. A purpose is about no
 * person and no organisation — it has no compartment, team or grants — so it is not one of the need-to-know
 * descriptors of src/records/registry.ts; its actions are `purpose.<verb>` (src/policy/actions.ts) and every field
 * is general: the register is not confidential.
 */
export const PURPOSE_RECORD = {
  type: 'purpose',
  noun: 'purpose',
  table: 'purposes',
  actions: ['read', 'create', 'update', 'approve', 'retire'],
  editable: ['name', 'description', 'lawfulBasis', 'art9Condition', 'dataCategories', 'recipientCategories', 'needsIdentity', 'retentionPeriod', 'guardianId', 'nextReviewOn'],
} as const;

/** The status shown: an active purpose past its review date is `review_due` (3.1: continuing uses regularly reviewed). */
export function purposeStatus(row: Pick<PurposeRow, 'status' | 'next_review_on'>, nowIso: string): string {
  return row.status === 'active' && nowIso.slice(0, 10) > row.next_review_on ? 'review_due' : row.status;
}

/**
 * The kinds of organisation in the register a disclosure for this purpose may go to (3.1), decided by the rule
 * disclosure/recipient-within-purpose itself (src/purposes/reaches.ts), so the web app marks a purpose that cannot
 * reach the organisation chosen without a copy of the rule. Empty for "internal service only". The server still
 * decides at request and at release.
 */
export const reachedKinds = (row: Pick<PurposeRow, 'recipient_categories'>) => ORGANISATION_KINDS.filter((kind) => purposeReaches(row, kind));

/** A purpose as the API answers it. */
export function presentPurpose(row: PurposeRow, nowIso: string) {
  return {
    data: {
      id: row.id, name: row.name, description: row.description, lawfulBasis: row.lawful_basis, art9Condition: row.art9_condition,
      dataCategories: JSON.parse(row.data_categories) as string[], recipientCategories: JSON.parse(row.recipient_categories) as string[],
      reaches: reachedKinds(row),
      needsIdentity: Number(row.needs_identity) === 1, retentionPeriod: row.retention_period, guardianId: row.guardian_id,
      nextReviewOn: row.next_review_on, status: purposeStatus(row, nowIso), authorId: row.created_by,
      approvedBy: row.approved_by, approvedAt: row.approved_at, retiredBy: row.retired_by, retiredAt: row.retired_at, retireReason: row.retire_reason,
      createdAt: row.created_at, updatedAt: row.updated_at, version: Number(row.version),
    },
    version: Number(row.version),
  };
}
