import type { Ctx } from '../context';
import type { Action } from '../policy/actions';
import { allows } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { Resource } from '../policy/types';
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
   * `openCase`, `inform`, `recordConsent`, `withdrawConsent`, `printConsentReceipt`, `prepareInformationUse` and `recordMeeting`, a case's `addNote`, `addAttachment` and `manageTeam`.
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
  /** Prepare "how your information is used" for the person (Caldicott 8; rules information-use/*). */
  prepareInformationUse?: boolean;
  /** Record a meeting with third parties about the person (practice 3; rules meetings/*). */
  recordMeeting?: boolean;
  addNote?: boolean;
  addAttachment?: boolean;
  manageTeam?: boolean;
}

const allowed = (ctx: Ctx, action: Action, resource: Resource) => allows(ctx.actor, action, resource);

/**
 * What a record type offers on one visible row, by the names its descriptor gives them (`offers`), each decided by
 * its action exactly as the action itself will be: a case's `addNote`, a concern's `work` and `refer`. Records with
 * no general capabilities (a concern is neither edited nor archived) answer with these alone.
 */
export function offered(ctx: Ctx, type: RecordType, row: Record<string, unknown>, facts: Resource = factsFor(ctx.actor, type, row)): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  // One copy of the record's facts, its classification set per offer: decisions are pure and keep nothing.
  const onRecord: Resource = { ...facts };
  for (const offer of recordOf(type).offers ?? []) {
    const on = offer.on;
    const classification = offer.classification ?? 'general';
    let resource: Resource;
    if (on === 'record') {
      onRecord.classification = classification;
      resource = onRecord;
    } else if (on === 'new') resource = { type: offer.action.split('.')[0] as RecordType, classification };
    else {
      // A record not yet written under this one: its facts are this record's team and the actor as its owner.
      const child = recordOf(on.child as RecordType);
      if (!child.access) throw new Error(`${type} offers ${child.type}, which no team reaches`);
      const draft: Record<string, unknown> = { [child.access.column]: row.id, _team: row._team };
      if (child.owner) draft[child.owner] = ctx.actor.id;
      resource = { ...factsFor(ctx.actor, child.type as RecordType, draft), classification };
    }
    out[offer.can] = !(offer.whileOpen && row.archived_at) && allowed(ctx, offer.action as Action, resource);
  }
  return out;
}

/** The general capabilities of a visible record of `type`, with `editable` the API names its update accepts. */
export function capabilities(ctx: Ctx, type: RecordType, row: Record<string, unknown>, editable: readonly string[], subjectPersonId: string | null): Can {
  const facts = factsFor(ctx.actor, type, row);
  const general = { ...facts, classification: 'general' as const };
  const fields = FIELD_BY_API[type];
  // The update is decided by the field's classification: once per classification, not once per field.
  const byClassification = new Map<string, boolean>();
  const atClassification: Resource = { ...facts };
  const mayUpdate = (classification: Resource['classification'] & string) => {
    let ok = byClassification.get(classification);
    if (ok === undefined) {
      atClassification.classification = classification;
      ok = allowed(ctx, `${type}.update` as Action, atClassification);
      byClassification.set(classification, ok);
    }
    return ok;
  };
  const edit = editable.filter((api) => {
    const spec = fields.get(api);
    return !!spec && mayUpdate(classificationOf(spec, row));
  });
  const d = recordOf(type);
  const can: Can = {
    edit: row.archived_at ? [] : edit,
    archive: !row.archived_at && allowed(ctx, `${type}.archive` as Action, general),
    requestAccess: allowed(ctx, 'grant.request', { type: 'grant', ownerId: ctx.actor.id }),
    breakGlass: d.breakGlass === true && allowed(ctx, 'breakglass.open', { type, id: row.id as string }),
    seeAccessLog: !!subjectPersonId && allowed(ctx, 'audit.read', { type: 'person', id: subjectPersonId }),
  };
  Object.assign(can, offered(ctx, type, row, facts));
  return can;
}
