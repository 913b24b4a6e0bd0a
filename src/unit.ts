import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from './accounts/system-actor';
import { AuditBuffer, type AuditGroup, type AuditStamp } from './audit/append';
import { recordAudit } from './audit/record';
import type { Ctx, Services } from './context';
import type { Database } from './db/schema';
import type { Unit } from './db/units';
import type { PolicyState } from './policy/state';
import type { Actor, ActorFacts } from './policy/types';

/**
 * Who a unit of work acts as: a loaded actor, the system ({@link SYSTEM_ACTOR}), or a function that identifies the
 * actor inside the unit (the HTTP pipeline), telling `assume` the access epoch its facts hold for as soon as it
 * knows it, so the unit runner checks that epoch even when those facts lead to a refusal (Unit.epoch). A function
 * that throws fails the unit before anything is recorded: there is nobody to record it under.
 * An actor given without the organisation's policy gets the one the unit's transaction reads (services.policy).
 */
export type UnitActor = ActorFacts | 'system' | ((db: Kysely<Database>, assume: (epoch: number) => void) => Promise<ActorFacts>);

/** One unit of work: who does it, under which request id, and the work itself. */
export interface UnitOfWork<T> {
  actor: UnitActor;
  /** Recorded with every audit entry of the unit (the HTTP request id, or a label such as `cli-import`). */
  requestId: string;
  /** The work: commands and queries called with the unit's `Ctx`, adding their audit entries to `ctx.audit`. */
  work: (ctx: Ctx) => Promise<T>;
  /** The unit's time (default: the services' clock, read once). */
  now?: Date;
  /** Entries gathered before the unit began, as by the pipeline's admission of an upload; recorded with the unit's. */
  audit?: AuditBuffer;
}

/**
 * Runs one unit of work (an HTTP request, a console command, an import, a scheduled job) through the services'
 * unit runner (src/db/units.ts: group commit on SQLite; on PostgreSQL units side by side, records committed in
 * groups): resolves the actor, builds the `Ctx`, runs the work and has its audit entries committed with it, and
 * settles once committed. When the work throws, everything it wrote is rolled back and its denials are still
 * recorded under its actor (clause 1.1: nothing leaves without its record), then the error is rethrown. The work
 * may be run more than once (when access changed under it): it must act only through `ctx`.
 * Never call it from inside another unit's work (on SQLite the inner unit would wait for the outer one's batch); to
 * act as someone else within a unit, use {@link actAs}.
 */
export function runUnit<T>(services: Services, unit: UnitOfWork<T>): Promise<T> {
  return services.units.run(new UnitRun(services, unit));
}

/**
 * One run of a {@link UnitOfWork} as the unit runner sees it. A class rather than closures: a request builds one,
 * and its methods are shared by all.
 */
class UnitRun<T> implements Unit<T> {
  private readonly now: Date;
  private readonly nowIso: string;
  private readonly audit: AuditBuffer;
  private readonly gathered: number;
  private stamp: AuditStamp | undefined;
  private assumed: number | undefined;

  constructor(
    private readonly services: Services,
    private readonly unit: UnitOfWork<T>,
  ) {
    this.now = unit.now ?? services.clock.now();
    this.nowIso = this.now.toISOString();
    this.audit = unit.audit ?? new AuditBuffer();
    this.gathered = this.audit.entries.length;
  }

  async work(db: Kysely<Database>): Promise<T> {
    // The runner may run the work again (src/db/pg-units.ts): each run starts from what was gathered before it.
    const { unit, audit, services } = this;
    audit.entries.length = this.gathered;
    this.stamp = undefined;
    this.assumed = undefined;
    const given = unit.actor;
    const facts = given === 'system' ? SYSTEM_ACTOR : typeof given === 'function' ? await given(db, (epoch) => (this.assumed = epoch)) : given;
    const actor = withPolicy(facts, 'policy' in facts ? (facts as Actor).policy : await services.policy.current(db));
    this.stamp = { actorId: actor.id, requestId: unit.requestId, at: this.nowIso };
    return unit.work({ db, actor, now: this.now, nowIso: this.nowIso, requestId: unit.requestId, audit, services });
  }

  record(succeeded: boolean): AuditGroup | null {
    // Nobody identified (stamp unset): nothing to record under anyone.
    const { stamp, audit } = this;
    return stamp ? { entries: succeeded ? audit.entries : audit.denials(), stamp } : null;
  }

  epoch(): number | undefined {
    return this.assumed;
  }
}

/**
 * Within a unit, does `fn` as another actor (the demo loader acting as each demo user, the system creating the
 * accounts they use): the same transaction, its own audit entries, recorded under that actor as soon as `fn`
 * returns so the chain keeps the order things happened in. When `fn` throws, the unit fails: what `fn` wrote and
 * its entries are rolled back with the rest of the unit.
 */
export async function actAs<T>(ctx: Ctx, facts: ActorFacts, fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const actor = withPolicy(facts, ctx.actor.policy);
  const inner: Ctx = { ...ctx, actor, audit: new AuditBuffer() };
  const out = await fn(inner);
  await recordAudit(ctx.db, ctx.services, inner.audit.entries, { actorId: actor.id, requestId: ctx.requestId, at: ctx.nowIso });
  return out;
}

/** The actor with the organisation's policy attached (the same object when it already carries that policy). */
function withPolicy(facts: ActorFacts, policy: PolicyState): Actor {
  if ('policy' in facts && (facts as Actor).policy === policy) return facts as Actor;
  return { ...facts, policy };
}
