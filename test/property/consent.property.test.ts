/**
 * The consent relation cannot drift (issue 10): random worlds of purposes (draft, active, retired; review ahead,
 * today or overdue) and chains of consents (given, refused, withdrawn; expiring or not; various recipients and
 * categories) are written into a real database, and for every person × purpose × recipient × category set × moment
 * three answers must agree:
 *  (a) the in-memory form — the facts the app loads (loadConsentFacts) and coveringConsent(), and decide() on them
 *      for a manager and for staff on and off the person's team (consent.check);
 *  (b) the SQL form — the relation's EXISTS (relations.ts, `consent`) through visibleWhere in a real query;
 *  (c) the brute-force oracle of test/support/oracle.ts (oracleConsentCovers).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../src/accounts/actor';
import { AuditBuffer } from '../../src/audit/append';
import { loadConsentFacts } from '../../src/consent/check';
import type { Ctx } from '../../src/context';
import { coveringConsent } from '../../src/policy/consent-relation';
import { decide } from '../../src/policy/decide';
import { filter, visibleWhere } from '../../src/policy/filter';
import { factsFor, teamFlag } from '../../src/policy/relations';
import { SAMPLE_POLICY_STATE } from '../../src/policy/state';
import { classMask, type Classification } from '../../src/policy/types';
import { oracleConsentCovers, type Cls } from '../support/oracle';
import { createWorld, dialects, type World } from '../support/world';
import { SIZES, insertWorld, worldArb } from './world-gen';

const ASKS: Cls[][] = [['general'], ['special'], ['general', 'personal'], ['general', 'personal', 'special', 'safeguarding']];
const MOMENTS = [0, 1_800_000, 7_200_000, 2 * 86_400_000]; // now, in half an hour, in two hours, in two days

describe.each(dialects())('property: consentCovers in memory, in SQL and in the oracle agree (%s)', (dialect) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld(dialect);
  });
  afterAll(() => world.close());

  it('1.3 informed-consent: withdrawn, refused and expired consent blocks; recipient A does not cover B; purpose X does not cover Y; a draft, retired or overdue purpose blocks (3.1)', async () => {
    const db = world.services.db.kysely;
    const nowIso = world.clock.now().toISOString();
    const policy = await db.selectFrom('policy_documents').select('id').orderBy('version', 'desc').executeTakeFirstOrThrow();
    let checks = 0;
    let covered = 0;
    await fc.assert(
      fc.asyncProperty(worldArb(SIZES.medium), fc.nat(), async (spec, seed) => {
        // Make the first users a manager and two staff, so decide() is asked as each.
        spec.users = [{ roles: ['manager'], accepted: 'current' }, { roles: ['staff'], accepted: 'current' }, { roles: ['staff'], accepted: 'current' }, ...spec.users];
        const w = await insertWorld(db, spec, { nowIso, currentPolicyId: policy.id, olderPolicyId: policy.id, gateEnforced: true });
        const [manager, staffA] = (await Promise.all([loadActor(db, w.users[0].id, nowIso), loadActor(db, w.users[1].id, nowIso)])).map((a) => ({ ...a!, policy: SAMPLE_POLICY_STATE }));
        const ctx: Ctx = { db, actor: manager!, now: new Date(nowIso), nowIso, requestId: 'prop', audit: new AuditBuffer(), services: world.services };
        const people = await db.selectFrom('people').selectAll().select((eb) => teamFlag(eb, 'person', staffA!.id)).execute();
        for (const purpose of w.purposes) {
          for (const [ri, recipient] of w.recipientKeys.entries()) {
            const ask = ASKS[(seed + ri) % ASKS.length];
            for (const offset of MOMENTS) {
              const at = new Date(Date.parse(nowIso) + offset).toISOString();
              const sqlAsk = { purposeId: purpose.id, recipient, mask: classMask(ask as Classification[]), at };
              const scope = filter(manager!, 'consent.check');
              const inSql = new Set((await db.selectFrom('people').select('people.id')
                .where((eb) => visibleWhere(eb as never, 'person', scope, manager!, 'probe', sqlAsk)).execute()).map((r) => r.id));
              for (const person of people) {
                const want = oracleConsentCovers(w.purposes, w.consents, person.id, purpose.id, recipient, ask, at);
                const facts = await loadConsentFacts(ctx, person.id, { purposeId: purpose.id, recipient: toInput(recipient), dataCategories: ask, at }, 'body');
                const got = coveringConsent(facts)?.id ?? null;
                const where = `person ${person.id} purpose ${purpose.id} (${purpose.status}, review ${purpose.nextReviewOn}) recipient ${recipient} [${ask}] at ${at}`;
                expect(got, `in memory: ${where}`).toBe(want);
                expect(inSql.has(person.id), `SQL: ${where}`).toBe(want !== null);
                const asManager = decide(manager!, 'consent.check', { ...factsFor(manager!, 'person', person), classification: 'general', consent: facts });
                expect(asManager.allowed, `decide (manager): ${where}`).toBe(want !== null);
                const asStaff = decide(staffA!, 'consent.check', { ...factsFor(staffA!, 'person', person), classification: 'general', consent: facts });
                expect(asStaff.allowed, `decide (staff, team=${person._team}): ${where}`).toBe(want !== null && Number(person._team) === 1);
                if (!asManager.allowed) expect(['consent/none-covers', 'purposes/not-in-force']).toContain(asManager.ruleId);
                checks += 4;
                if (want) covered++;
              }
            }
          }
        }
      }),
      { numRuns: 12, seed: 7 },
    );
    console.log(`[consent property ${dialect}] ${checks} checks, ${covered} covered`);
    expect(covered).toBeGreaterThan(0);
  }, 300_000);
});


/** A recipient key back as the API's recipient (the loader turns it into the same key). */
function toInput(key: string) {
  if (key === 'internal') return { kind: 'internal' as const };
  if (key.startsWith('org:')) return { kind: 'organisation' as const, organisationId: key.slice(4) };
  return { kind: 'category' as const, category: key.slice('category:'.length) };
}
