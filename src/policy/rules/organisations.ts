import type { Rule } from '../rule';

/** Organisations and commercial sensitivity (1.4, 2.3, 3.4). */
export const ORGANISATIONS_RULES: readonly Rule[] = [
  {
    id: 'organisations/directory', clauseKey: 'need-to-know', effect: 'allow',
    roles: ['manager', 'guardian', 'staff', 'volunteer', 'student'], relation: 'any',
    actions: ['organisation.read'], classifications: ['general'],
    reason: 'Partner and funder names are general information for everyone working here.',
  },
  {
    id: 'organisations/contact-details', clauseKey: 'need-to-know', effect: 'allow', roles: ['manager', 'staff'],
    relation: 'any', actions: ['organisation.read'], classifications: ['personal'],
    reason: 'Staff may contact partner organisations.',
  },
  {
    id: 'organisations/commercial-team', clauseKey: 'commercial-sensitivity', effect: 'allow', roles: ['manager', 'staff'],
    relation: 'team', actions: ['organisation.read', 'organisation.update'], classifications: ['general', 'personal', 'commercial'],
    reason: 'You deal with this organisation, so you see its business information.',
  },
  {
    id: 'organisations/manage', clauseKey: 'records-management', effect: 'allow', roles: ['manager', 'staff'], relation: 'any',
    actions: ['organisation.create'], classifications: ['general', 'personal', 'commercial'],
    reason: 'Staff record the organisations they work with.',
  },
  {
    id: 'organisations/update', clauseKey: 'records-management', effect: 'allow', roles: ['manager', 'staff'], relation: 'any',
    actions: ['organisation.update'], classifications: ['general', 'personal'],
    reason: 'Staff keep partner details up to date.',
  },
  {
    id: 'organisations/archive', clauseKey: 'records-management', effect: 'allow', roles: ['manager'], relation: 'any',
    actions: ['organisation.archive'], reason: 'Management archive organisations.',
  },
];
