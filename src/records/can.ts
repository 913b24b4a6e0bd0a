import type { Ctx } from '../context';
import type { Action } from '../policy/actions';
import { decide } from '../policy/decide';
import { factsFor } from '../policy/relations';
import type { Resource } from '../policy/types';
import { FIELD_BY_API, classificationOf, type RecordType } from './registry';

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
  /** Actions on records under this one (a person's cases, a case's notes, attachments and team). */
  openCase?: boolean;
  addNote?: boolean;
  addAttachment?: boolean;
  manageTeam?: boolean;
}

const allowed = (ctx: Ctx, action: Action, resource: Resource) => decide(ctx.actor, action, resource).allowed;

/** The general capabilities of a visible record of `type`, with `editable` the API names its update accepts. */
export function capabilities(ctx: Ctx, type: RecordType, row: Record<string, unknown>, editable: readonly string[], subjectPersonId: string | null): Can {
  const facts = factsFor(ctx.actor, type, row);
  const general = { ...facts, classification: 'general' as const };
  const fields = FIELD_BY_API[type];
  const edit = editable.filter((api) => {
    const spec = fields.get(api);
    return !!spec && allowed(ctx, `${type}.update` as Action, { ...facts, classification: classificationOf(spec, row) });
  });
  const can: Can = {
    edit: row.archived_at ? [] : edit,
    archive: !row.archived_at && allowed(ctx, `${type}.archive` as Action, general),
    requestAccess: allowed(ctx, 'grant.request', { type: 'grant', ownerId: ctx.actor.id }),
    breakGlass: (type === 'person' || type === 'case') && allowed(ctx, 'breakglass.open', { type, id: row.id as string }),
    seeAccessLog: !!subjectPersonId && allowed(ctx, 'audit.read', { type: 'person', id: subjectPersonId }),
  };
  if (type === 'person') can.openCase = !row.archived_at && allowed(ctx, 'case.create', { type: 'case', classification: 'general' });
  if (type === 'case') {
    // A note or attachment not yet written: its facts are the case's team and the actor as author (as createNote).
    const note = factsFor(ctx.actor, 'note', { case_id: row.id, _team: row._team, author_id: ctx.actor.id });
    const file = factsFor(ctx.actor, 'attachment', { case_id: row.id, _team: row._team, uploaded_by: ctx.actor.id });
    can.addNote = !row.archived_at && allowed(ctx, 'note.create', { ...note, classification: 'general' });
    can.addAttachment = !row.archived_at && allowed(ctx, 'attachment.create', { ...file, classification: 'general' });
    can.manageTeam = allowed(ctx, 'case.team.manage', general);
  }
  return can;
}
