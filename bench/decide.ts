import type { Action } from '../src/policy/actions';
import { decide } from '../src/policy/decide';
import { SAMPLE_POLICY_STATE } from '../src/policy/state';
import { CLASSIFICATIONS, roleBit, type Actor, type Resource, type Role } from '../src/policy/types';
import { type BenchOptions, type Row, log, round, summarise } from './lib';

function actor(id: string, roles: Role[], extra: Partial<Actor> = {}): Actor {
  return { id, username: id, roles, roleMask: roles.reduce((m, r) => m | roleBit(r), 0), policyAccepted: true, grants: [], policy: SAMPLE_POLICY_STATE, ...extra };
}

/** A deterministic mix of (actor, action, resource) triples covering allows, forbids and default denials. */
function mix(n: number) {
  const actors = [
    actor('u-staff', ['staff']),
    actor('u-vol', ['volunteer']),
    actor('u-mgr', ['manager']),
    actor('u-guard', ['guardian']),
    actor('u-new', ['staff'], { policyAccepted: false }),
    actor('u-both', ['staff', 'manager']),
  ];
  const actions: Action[] = ['person.read', 'case.read', 'note.read', 'organisation.read', 'person.update', 'note.update', 'grant.decide'];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const out: { a: Actor; action: Action; r: Resource }[] = [];
  for (let i = 0; i < n; i++) {
    const r: Resource = {
      type: 'person', id: `p${i % 97}`,
      classification: CLASSIFICATIONS[Math.floor(rnd() * CLASSIFICATIONS.length)],
      team: rnd() < 0.5, granted: rnd() < 0.1 ? 0b111 : 0, ownerId: rnd() < 0.2 ? 'u-staff' : 'u-other',
    };
    out.push({ a: actors[Math.floor(rnd() * actors.length)], action: actions[Math.floor(rnd() * actions.length)], r });
  }
  return out;
}

/** decide() p50/p99 per decision, from batches timed with hrtime (single decisions are below timer resolution). */
export async function benchDecide(opts: BenchOptions) {
  const cases = mix(4096);
  const batch = 1000;
  const batches = opts.quick ? 2_000 : 10_000;
  let allowed = 0;
  // warm up the JIT
  for (let i = 0; i < 200_000; i++) if (decide(cases[i & 4095].a, cases[i & 4095].action, cases[i & 4095].r).allowed) allowed++;
  const perDecision: number[] = [];
  let k = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) {
      const c = cases[k++ & 4095];
      if (decide(c.a, c.action, c.r).allowed) allowed++;
    }
    perDecision.push(Number(process.hrtime.bigint() - t0) / batch);
  }
  const s = summarise(perDecision);
  log(`decide: ${batches * batch} decisions, p50 ${round(s.p50)} ns, p99 ${round(s.p99)} ns (allowed ${allowed})`);
  const result = {
    decisions: batches * batch, batchSize: batch, p50Ns: round(s.p50, 1), p99Ns: round(s.p99, 1), meanNs: round(s.mean, 1),
    allowedShare: round(allowed / (batches * batch + 200_000), 3),
  };
  const rows: Row[] = [
    { section: 'decide', name: 'decide() p50 per decision', value: `${result.p50Ns} ns`, goal: '≤ 1000 ns', ok: result.p50Ns <= 1000 },
    { section: 'decide', name: 'decide() p99 per decision (batch of 1000)', value: `${result.p99Ns} ns` },
  ];
  return { result, rows };
}
