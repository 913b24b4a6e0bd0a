import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Action } from '../../src/policy/actions';
import { decide } from '../../src/policy/decide';
import { filter, type Scope } from '../../src/policy/filter';
import { grantedMask, grantKeys } from '../../src/policy/relations';
import { SAMPLE_CLAUSE_MAP } from '../../src/policy/clauses';
import { PolicyState, SAMPLE_POLICY_STATE } from '../../src/policy/state';
import { classMask, ROLES, roleBit, type ActiveGrant, type Actor, type Relation, type RecordType, type Resource, type Role } from '../../src/policy/types';

// The list filter is derived from the same rules as decide(). Here its meaning is checked exhaustively in memory:
// for every set of roles (all 128), agreement state, gate mode, read action and every combination of facts a row can
// have, "the scope keeps the row" must equal "decide() allows its general fields". The property test checks the
// same scopes as SQL on both engines.

const ME = 'me';
const READS: [Action, RecordType][] = [['person.read', 'person'], ['case.read', 'case'], ['note.read', 'note'], ['attachment.read', 'attachment'], ['organisation.read', 'organisation'], ['concern.read', 'concern']];
const HAS_OWNER = new Set<RecordType>(['note', 'attachment', 'concern']);

function actorOf(mask: number, accepted: boolean, policy: PolicyState = SAMPLE_POLICY_STATE): Actor {
  const roles = ROLES.filter((r) => (mask & roleBit(r)) !== 0) as Role[];
  return { id: ME, username: 'me', roles, roleMask: mask, policyAccepted: accepted, grants: [], policy };
}

/** What the scope means for one row with these facts (as visibleWhere writes it in SQL). */
function keeps(scope: Scope, actor: Actor, facts: Resource): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  const holds = (r: Relation) =>
    r === 'any' ? true : r === 'team' ? facts.team === true : r === 'grant' ? (facts.granted ?? 0) !== 0
      : r === 'own-conduct' ? facts.conductOf?.includes(actor.id) === true : r === 'no-free-manager' ? facts.noFreeManager === true : facts.ownerId === actor.id;
  return scope.conjunctions.some((conj) => conj.every((t) => (typeof t === 'string' ? holds(t) : !holds(t.not))));
}

describe('3.4 need-to-know: the list filter keeps exactly the rows whose general fields decide() allows', () => {
  for (const mode of ['enforce', 'warn'] as const) {
    it(`3.4 need-to-know: every role set × agreement × read action × row facts agree (agreement gate ${mode})`, () => {
      const policy = new PolicyState(SAMPLE_CLAUSE_MAP, mode === 'warn' ? { 'agreement/not-accepted': 'warn' } : {});
      let checks = 0;
      for (let mask = 0; mask < 1 << ROLES.length; mask++) {
        for (const accepted of [true, false]) {
          const actor = actorOf(mask, accepted, policy);
          for (const [action, type] of READS) {
            const scope = filter(actor, action);
            // An actor-level refusal (3.5) empties the list and carries the denial, so the API can answer 403.
            const gated = mode === 'enforce' && !accepted;
            expect(scope.kind === 'none' && scope.denial?.ruleId === 'agreement/not-accepted').toBe(gated);
            for (const team of [false, true]) {
              for (const granted of [0, classMask(['general']), classMask(['general', 'session', 'commercial'])]) {
                for (const ownerId of HAS_OWNER.has(type) ? [ME, 'other', null] : [null]) {
                  const facts: Resource = { type, id: 'r', team, granted, ownerId };
                  const allowed = decide(actor, action, { ...facts, classification: 'general' }).allowed;
                  if (keeps(scope, actor, facts) !== allowed) {
                    throw new Error(`filter and decide disagree: roles [${actor.roles}] accepted=${accepted} ${action} team=${team} granted=${granted} owner=${ownerId}`);
                  }
                  checks++;
                }
              }
            }
          }
        }
      }
      expect(checks).toBe((1 << ROLES.length) * 2 * (3 * 2 * 3 + 3 * 2 * 3 * 3));
    });
  }

  it('3.4 need-to-know: managers list every case record, the guardian every record, volunteers only their teams and grants', () => {
    expect(filter(actorOf(roleBit('manager'), true), 'note.read')).toEqual({ kind: 'all' });
    expect(filter(actorOf(roleBit('guardian'), true), 'person.read')).toEqual({ kind: 'all' });
    expect(filter(actorOf(roleBit('volunteer'), true), 'person.read')).toEqual({ kind: 'some', conjunctions: [['team'], ['grant']] });
    // No roles: only what a grant opens (a grant holder needs no role, 3.4).
    expect(filter(actorOf(0, true), 'case.read')).toEqual({ kind: 'some', conjunctions: [['grant']] });
    expect(filter(actorOf(roleBit('administrator'), true), 'organisation.read')).toEqual({ kind: 'some', conjunctions: [['grant']] });
  });

  it('practice 4.1 safeguarding-management: the safeguarding leads and managers list every concern; everyone else only the ones they raised', () => {
    for (const role of ['safeguarding_lead', 'manager'] as const) expect(filter(actorOf(roleBit(role), true), 'concern.read')).toEqual({ kind: 'all' });
    for (const role of ['staff', 'volunteer', 'student', 'guardian', 'administrator'] as const) {
      expect(filter(actorOf(roleBit(role), true), 'concern.read')).toEqual({ kind: 'some', conjunctions: [['self']] });
    }
  });

  it('1.4 commercial-sensitivity: everyone working here lists organisations (their names are general)', () => {
    for (const role of ['manager', 'guardian', 'staff', 'volunteer', 'student'] as const) expect(filter(actorOf(roleBit(role), true), 'organisation.read').kind).toBe('all');
  });

  it('3.5 staff-awareness: an actor who has not accepted the current policy lists nothing, with the reason', () => {
    const scope = filter(actorOf(roleBit('manager'), false), 'person.read');
    expect(scope).toMatchObject({ kind: 'none', denial: { allowed: false, ruleId: 'agreement/not-accepted', actorLevel: true } });
  });
});

describe('5 breach-handling: the breach list leaves out what a read refuses — a breach about the actor\'s own conduct', () => {
  it('5 breach-handling breaches/not-own-conduct: every role set × agreement × row (own conduct, another\'s, nobody\'s; reported by them or not): the breach list keeps a row exactly when decide() allows reading it', () => {
    let checks = 0;
    for (let mask = 0; mask < 1 << ROLES.length; mask++) {
      for (const accepted of [true, false]) {
        const actor = actorOf(mask, accepted);
        const scope = filter(actor, 'breach.read');
        for (const conductOf of [[ME], ['other'], ['other', ME], [], undefined]) {
          for (const ownerId of [ME, 'other']) {
            const facts: Resource = { type: 'breach', id: 'b', ownerId, conductOf };
            const allowed = decide(actor, 'breach.read', { ...facts, classification: 'general' }).allowed;
            if (keeps(scope, actor, facts) !== allowed) throw new Error(`filter and decide disagree: roles [${actor.roles}] accepted=${accepted} conductOf=${conductOf} owner=${ownerId}`);
            checks++;
          }
        }
      }
    }
    expect(checks).toBe((1 << ROLES.length) * 2 * 5 * 2);
  });

  it('5 breach-handling breaches/not-own-conduct: management and the guardian list every breach but those about their own conduct; a reporter their own reports, but those', () => {
    const own = { not: 'own-conduct' } as const;
    for (const role of ['manager', 'guardian'] as const) expect(filter(actorOf(roleBit(role), true), 'breach.read')).toEqual({ kind: 'some', conjunctions: [['any', own]] });
    expect(filter(actorOf(roleBit('staff'), true), 'breach.read')).toEqual({ kind: 'some', conjunctions: [['self', own]] });
    expect(filter(actorOf(roleBit('manager'), false), 'breach.read')).toMatchObject({ kind: 'none', denial: { ruleId: 'agreement/not-accepted' } });
    // Other record types are unaffected: no forbid rule there names a relation.
    expect(filter(actorOf(roleBit('manager'), true), 'note.read')).toEqual({ kind: 'all' });
  });
});

describe('5 breach-handling: the flag queue lists exactly the review flags the actor may decide', () => {
  it('5 breach-handling breaches/guardian-when-no-manager-free: every role set × agreement × flag (about them, another, nobody; a manager free to decide it or not): the queue keeps a flag exactly when decide() allows deciding it', () => {
    let checks = 0;
    for (let mask = 0; mask < 1 << ROLES.length; mask++) {
      for (const accepted of [true, false]) {
        const actor = actorOf(mask, accepted);
        const scope = filter(actor, 'breach.flags');
        for (const conductOf of [[ME], ['other'], []]) {
          for (const noFreeManager of [true, false]) {
            const facts: Resource = { type: 'breach', conductOf, noFreeManager };
            const allowed = decide(actor, 'breach.flags', { ...facts, classification: 'general' }).allowed;
            if (keeps(scope, actor, facts) !== allowed) throw new Error(`filter and decide disagree: roles [${actor.roles}] accepted=${accepted} conductOf=${conductOf} noFreeManager=${noFreeManager}`);
            checks++;
          }
        }
      }
    }
    expect(checks).toBe((1 << ROLES.length) * 2 * 3 * 2);
  });

  it('5 breach-handling breaches/guardian-when-no-manager-free: management list every flag but those about themselves; the guardian only those no manager is free to decide, never one about themselves; other roles none', () => {
    const own = { not: 'own-conduct' } as const;
    expect(filter(actorOf(roleBit('manager'), true), 'breach.flags')).toEqual({ kind: 'some', conjunctions: [['any', own]] });
    expect(filter(actorOf(roleBit('guardian'), true), 'breach.flags')).toEqual({ kind: 'some', conjunctions: [['no-free-manager', own]] });
    expect(filter(actorOf(roleBit('manager') | roleBit('guardian'), true), 'breach.flags')).toEqual({ kind: 'some', conjunctions: [['any', own]] });
    for (const role of ['staff', 'volunteer', 'student', 'safeguarding_lead', 'administrator'] as const) expect(filter(actorOf(roleBit(role), true), 'breach.flags')).toEqual({ kind: 'none' });
    // The guardian refused a flag a manager is free to decide is told who decides it, under clause 5.
    expect(decide(actorOf(roleBit('guardian'), true), 'breach.flags', { type: 'breach', conductOf: ['other'], noFreeManager: false })).toMatchObject({
      allowed: false, ruleId: 'default/deny', clauseKey: 'breach-handling', clause: '5',
    });
  });
});

describe('3.4 need-to-know: what a grant covers', () => {
  const grant = (g: Partial<ActiveGrant>): ActiveGrant => ({ id: 'g', kind: 'request', personId: null, caseId: null, organisationId: null, mask: classMask(['general', 'personal']), expiresAt: '2999-01-01T00:00:00.000Z', ...g });
  const withGrants = (...grants: ActiveGrant[]): Actor => ({ ...actorOf(0, true), grants });

  it('3.4 need-to-know: a case grant covers the case, its notes and attachments and its person; a person grant only the person', () => {
    const a = withGrants(grant({ caseId: 'c1', personId: 'p1' }), grant({ personId: 'p2', mask: classMask(['general', 'special']) }));
    expect(grantKeys(a, 'case')).toEqual(['c1']);
    expect(grantKeys(a, 'note')).toEqual(['c1']);
    expect(grantKeys(a, 'attachment')).toEqual(['c1']);
    expect(grantKeys(a, 'person').sort()).toEqual(['p1', 'p2']);
    expect(grantKeys(a, 'organisation')).toEqual([]);
    expect(grantedMask(a, 'note', 'c1')).toBe(classMask(['general', 'personal']));
    expect(grantedMask(a, 'person', 'p2')).toBe(classMask(['general', 'special']));
    expect(grantedMask(a, 'case', 'c2')).toBe(0);
  });

  it('3.4 need-to-know: several grants on one record add up', () => {
    const a = withGrants(grant({ organisationId: 'o1', mask: classMask(['general', 'personal']) }), grant({ organisationId: 'o1', mask: classMask(['general', 'commercial']) }));
    expect(grantedMask(a, 'organisation', 'o1')).toBe(classMask(['general', 'personal', 'commercial']));
  });
});

describe('3.4 need-to-know: a rule the list filter cannot express is refused at start-up', () => {
  afterEach(() => {
    vi.doUnmock('../../src/policy/rules');
    vi.resetModules();
  });

  it('3.4 need-to-know: a record-dependent forbid rule on general fields of a read action stops the app from starting', async () => {
    vi.resetModules();
    vi.doMock('../../src/policy/rules', async (importOriginal) => {
      const m = await importOriginal<typeof import('../../src/policy/rules')>();
      const sneaky = {
        id: 'test/record-dependent', clauseKey: 'need-to-know', effect: 'forbid', roles: 'any', actorLevel: false, configurable: false,
        actions: ['person.read'], when: (_a: Actor, r: Resource) => r.id === 'x', reason: 'test',
      };
      return { ...m, RULES: [...m.RULES, sneaky] };
    });
    await expect(import('../../src/policy/filter')).rejects.toThrow(/lists could not apply it/);
  });

  it('3.4 need-to-know: a record-dependent forbid rule that names a relation is written into the list filter instead (its rows left out)', async () => {
    vi.resetModules();
    vi.doMock('../../src/policy/rules', async (importOriginal) => {
      const m = await importOriginal<typeof import('../../src/policy/rules')>();
      const named = {
        id: 'test/record-dependent', clauseKey: 'need-to-know', effect: 'forbid', roles: 'any', actorLevel: false, configurable: false,
        actions: ['person.read'], relation: 'own-conduct', reason: 'test',
      };
      return { ...m, RULES: [...m.RULES, named] };
    });
    const { filter: fresh } = await import('../../src/policy/filter');
    expect(fresh(actorOf(roleBit('guardian'), true), 'person.read')).toEqual({ kind: 'some', conjunctions: [['any', { not: 'own-conduct' }]] });
    expect(fresh(actorOf(roleBit('volunteer'), true), 'person.read')).toEqual({ kind: 'some', conjunctions: [['team', { not: 'own-conduct' }], ['grant', { not: 'own-conduct' }]] });
  });
});
