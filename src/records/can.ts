import type { Ctx } from '../context';
import type { Action } from '../policy/actions';
import { allows } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { Classification, Resource } from '../policy/types';
import { heldForOf } from '../purposes/held-for';
import type { FieldSpec, RecordDescriptor } from './descriptor';
import { FIELD_BY_API, classificationOf, recordOf, type RecordType } from './registry';

/**
 * What the actor may do with one record, decided by the policy exactly as the action itself would be, so the web
 * app offers only what the API will accept and never decides access itself. Decisions are pure and in-process:
 * this costs no query beyond the read that loaded the row.
 */
export interface Can {
  /** Fields the actor may change (field by field, as the update checks them: no mass assignment). */
  edit: string[];
  archive: boolean;
  /** Ask a manager for time-limited access (3.4): to this record, or for a note or attachment, to its case. */
  requestAccess: boolean;
  /** Emergency access outside need to know, reviewed by managers (practice 4.2). */
  breakGlass: boolean;
  /** See who has seen this person's records (3.1). */
  seeAccessLog: boolean;
  /**
   * What the record type offers beyond its own verbs, by the names its descriptor gives them (`offers`): a person's
   * `openCase`, `inform`, `recordConsent`, `withdrawConsent`, `printConsentReceipt`, `readInformationUse`, `prepareInformationUse` and `recordMeeting`, a case's `addNote`, `addAttachment`, `manageTeam` and `changePurpose`.
   */
  openCase?: boolean;
  inform?: boolean;
  recordConsent?: boolean;
  withdrawConsent?: boolean;
  /** Print a consent receipt: it shows what the person was told (personal). */
  printConsentReceipt?: boolean;
  /** Ask for a disclosure of this person's information to a third party (4.3), and see their disclosure register. */
  requestDisclosure?: boolean;
  seeDisclosures?: boolean;
  /** Read "how your information is used" for the person (Caldicott 8, 3.1; rules information-use/*). */
  readInformationUse?: boolean;
  /** Prepare the copy of it handed to the person, the PDF: all of it, what they were told included (personal). */
  prepareInformationUse?: boolean;
  /** Record a meeting with third parties about the person (practice 3; rules meetings/*). */
  recordMeeting?: boolean;
  addNote?: boolean;
  addAttachment?: boolean;
  manageTeam?: boolean;
  /** Move a case to another purpose of the register (2.1; management). */
  changePurpose?: boolean;
}

/** Where an offer's action lands, resolved from the descriptor once. */
type Target =
  | { kind: 'record' }
  | { kind: 'new'; resource: Resource }
  | { kind: 'child'; child: RecordDescriptor };

interface PlannedOffer {
  can: string;
  action: Action;
  whileOpen: boolean;
  classification: Classification;
  target: Target;
}

/**
 * A record type's offers and verbs, resolved once: the action names, the fixed resource of a new record, the child
 * descriptors, the fields an update accepts. Every record read answers with them, so nothing about the type is
 * worked out again per row.
 */
interface Plan {
  update: Action;
  archive: Action;
  breakGlass: boolean;
  offers: PlannedOffer[];
  /** The API field names the type's update accepts (its descriptor's `editable`), with their specs. */
  editable: { api: string; spec: FieldSpec }[];
}

const PLANS = new Map<RecordType, Plan>();

function planOf(type: RecordType): Plan {
  let plan = PLANS.get(type);
  if (plan) return plan;
  const offers = (recordOf(type).offers ?? []).map((offer): PlannedOffer => {
    const classification = offer.classification ?? 'general';
    const on = offer.on;
    let target: Target;
    if (on === 'record') target = { kind: 'record' };
    else if (on === 'new') target = { kind: 'new', resource: Object.freeze({ type: offer.action.split('.')[0] as RecordType, classification }) };
    else {
      const child = recordOf(on.child as RecordType);
      if (!child.access) throw new Error(`${type} offers ${child.type}, which no team reaches`);
      target = { kind: 'child', child };
    }
    return { can: offer.can, action: offer.action as Action, whileOpen: offer.whileOpen === true, classification, target };
  });
  const d = recordOf(type);
  const specs = FIELD_BY_API[type];
  const editable = (d.editable ?? []).flatMap((api) => {
    const spec = specs.get(api);
    return spec ? [{ api, spec }] : [];
  });
  plan = { update: `${type}.update` as Action, archive: `${type}.archive` as Action, breakGlass: d.breakGlass === true, offers, editable };
  PLANS.set(type, plan);
  return plan;
}

/**
 * What a record type offers on one visible row, by the names its descriptor gives them (`offers`), each decided by
 * its action exactly as the action itself will be: a case's `addNote`, a concern's `work` and `refer`. Records with
 * no general capabilities (a concern is neither edited nor archived) answer with these alone.
 */
export function offered(ctx: Ctx, type: RecordType, row: Record<string, unknown>, facts: Resource = factsFor(ctx.actor, type, row)): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  const actor = ctx.actor;
  // One copy of the record's facts, and one of each child type's, their classification set per offer: decisions
  // are pure and keep nothing.
  let onRecord: Resource | null = null;
  let children: { child: RecordDescriptor; facts: Resource }[] | null = null;
  // A record written under this one adds to what this one is held for (2.1): decided with that purpose's state.
  const heldFor = heldForOf(row, ctx.nowIso);
  for (const offer of planOf(type).offers) {
    if (offer.whileOpen && row.archived_at) {
      out[offer.can] = false;
      continue;
    }
    const target = offer.target;
    let resource: Resource;
    if (target.kind === 'new') resource = target.resource;
    else if (target.kind === 'record') {
      resource = onRecord ??= { ...facts };
      resource.classification = offer.classification;
    } else {
      children ??= [];
      let entry = children.find((c) => c.child === target.child);
      if (!entry) {
        // A record not yet written under this one: its facts are this record's team and the actor as its owner.
        const child = target.child;
        const draft: Record<string, unknown> = { [child.access!.column]: row.id, _team: row._team };
        if (child.owner) draft[child.owner] = actor.id;
        const childFacts = factsFor(actor, child.type as RecordType, draft);
        if (heldFor) childFacts.heldFor = heldFor;
        entry = { child, facts: childFacts };
        children.push(entry);
      }
      resource = entry.facts;
      resource.classification = offer.classification;
    }
    out[offer.can] = allows(actor, offer.action, resource);
  }
  return out;
}

/** The general capabilities of a visible record of `type` (one whose descriptor lists what its update accepts). */
export function capabilities(
  ctx: Ctx,
  type: RecordType,
  row: Record<string, unknown>,
  subjectPersonId: string | null,
  rowFacts: Resource = factsFor(ctx.actor, type, row),
): Can {
  const actor = ctx.actor;
  const plan = planOf(type);
  const facts: Resource = { ...rowFacts, classification: 'general' };
  const archived = !!row.archived_at;
  // The update is decided by the field's classification: once per classification, not once per field.
  const edit: string[] = [];
  if (!archived) {
    const resource: Resource = { ...facts };
    const byClassification = new Map<Classification, boolean>();
    for (const { api, spec } of plan.editable) {
      const classification = classificationOf(spec, row);
      let ok = byClassification.get(classification);
      if (ok === undefined) {
        resource.classification = classification;
        ok = allows(actor, plan.update, resource);
        byClassification.set(classification, ok);
      }
      if (ok) edit.push(api);
    }
  }
  const can: Can = {
    edit,
    archive: !archived && allows(actor, plan.archive, facts),
    requestAccess: allows(actor, 'grant.request', { type: 'grant', ownerId: actor.id }),
    breakGlass: plan.breakGlass && allows(actor, 'breakglass.open', { type, id: row.id as string }),
    seeAccessLog: !!subjectPersonId && allows(actor, 'audit.read', { type: 'person', id: subjectPersonId }),
  };
  Object.assign(can, offered(ctx, type, row, facts));
  return can;
}
