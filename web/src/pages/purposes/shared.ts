// The purpose register's response shape (src/purposes/record.ts presentPurpose) and its words (3.1).
import { useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { Account } from '../../api/models';
import { hasRole, useSession } from '../../session';
import { INTERNAL_ONLY } from '../consent/labels';

export interface PurposeDetail {
  id: string;
  name: string;
  description: string;
  lawfulBasis: string;
  art9Condition: string | null;
  dataCategories: string[];
  recipientCategories: string[];
  /** The kinds of organisation in the register a disclosure for it may go to, as the server decides it (src/purposes/reaches.ts). */
  reaches: string[];
  needsIdentity: boolean;
  retentionPeriod: string;
  guardianId: string;
  nextReviewOn: string;
  status: 'draft' | 'active' | 'review_due' | 'retired';
  authorId: string;
  approvedBy: string | null;
  approvedAt: string | null;
  retiredBy: string | null;
  retiredAt: string | null;
  retireReason: string | null;
  /** Open cases held for it (2.1): answered to those who may retire it or move cases between purposes, absent otherwise. */
  openCases?: number;
  createdAt: string;
  version: number;
}

export const LAWFUL_BASES = [
  { id: 'consent', label: 'Consent', description: 'The person agrees (Art 6(1)(a))' },
  { id: 'contract', label: 'Contract', description: 'Needed for a contract with the person' },
  { id: 'legal_obligation', label: 'Legal obligation', description: 'The law requires it' },
  { id: 'vital_interests', label: 'Vital interests', description: 'To protect someone’s life' },
  { id: 'public_task', label: 'Public task', description: 'A task in the public interest' },
  { id: 'legitimate_interests', label: 'Legitimate interests', description: 'Balanced against the person’s interests' },
] as const;
export const ART9_CONDITIONS = [
  { id: 'explicit_consent', label: 'Explicit consent' },
  { id: 'employment_social_security', label: 'Employment, social security and social protection' },
  { id: 'vital_interests', label: 'Vital interests (the person cannot consent)' },
  { id: 'not_for_profit_body', label: 'A not-for-profit body, for its members' },
  { id: 'made_public', label: 'Made public by the person' },
  { id: 'legal_claims', label: 'Legal claims' },
  { id: 'substantial_public_interest', label: 'Substantial public interest (e.g. safeguarding)' },
  { id: 'health_social_care', label: 'Health or social care' },
  { id: 'public_health', label: 'Public health' },
  { id: 'archiving_research', label: 'Archiving, research or statistics' },
] as const;
export const STATUS_LABELS: Record<PurposeDetail['status'], { label: string; tone: string }> = {
  draft: { label: 'Draft — waiting for approval', tone: 'pending' },
  active: { label: 'Approved', tone: 'ok' },
  review_due: { label: 'Review due', tone: 'warn' },
  retired: { label: 'Retired', tone: 'muted-badge' },
};
/**
 * Who a purpose's information may go to, in the words the consent form uses ("May go to"): its recipient categories,
 * "internal service only" read as our own service.
 */
export const recipientWords = (categories: readonly string[]) => categories.map((c) => (c.trim().toLowerCase() === INTERNAL_ONLY ? 'Our own service only' : c)).join('; ');
/** True when a purpose's information stays with our own service: it names "internal service only" and nothing else. */
export const inHouseOnly = (categories: readonly string[]) => categories.every((c) => c.trim().toLowerCase() === INTERNAL_ONLY);

export const basisLabel = (id: string) => LAWFUL_BASES.find((b) => b.id === id)?.label ?? id;
export const art9Label = (id: string | null) => (id ? ART9_CONDITIONS.find((c) => c.id === id)?.label ?? id : null);

/** "6 years", "18 months" for an ISO 8601 period. */
export function periodLabel(p: string): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/.exec(p);
  if (!m) return p;
  const parts = [[m[1], 'year'], [m[2], 'month'], [m[3], 'week'], [m[4], 'day']].filter(([n]) => n).map(([n, u]) => `${n} ${u}${n === '1' ? '' : 's'}`);
  return parts.join(' ') || p;
}

/**
 * Everyone with an account, for names and the guardian picker (managers and administrators may list accounts).
 * Anyone else sees names only for themselves.
 */
export function usePeopleHere() {
  const { me } = useSession();
  const canList = hasRole(me, 'manager', 'administrator');
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => call<{ items: Account[] }>(api.GET('/api/users', { params: { query: { includeInactive: 'true' } } })),
    enabled: canList,
    staleTime: 60_000,
  });
  const all = users.data?.items ?? [];
  const name = (id: string | null) => (!id ? '—' : id === me.user.id ? `${me.user.displayName} (you)` : all.find((u) => u.id === id)?.displayName ?? 'a colleague');
  const guardians = canList
    ? all.filter((u) => u.active && u.roles.includes('guardian')).map((u) => ({ id: u.id, label: u.id === me.user.id ? `${u.displayName} (you)` : u.displayName }))
    : hasRole(me, 'guardian') ? [{ id: me.user.id, label: `${me.user.displayName} (you)` }] : [];
  return { name, guardians, loading: canList && users.isPending };
}
