import type { Ctx } from '../context';
import type { OrganisationRow } from '../db/schema';
import { newId } from '../lib/ids';
import { requireNotArchived } from '../cases/access';
import { checkWrite, findWritable, presentWritten } from '../records/guard';
import { sortKey } from '../records/paging';
import { applyEdit, updateVersioned } from '../records/versioned';
import { getOrganisation } from './queries';
import type { CreateOrganisationInput, UpdateOrganisationInput } from './schema';

const COLUMNS: Record<string, keyof OrganisationRow> = {
  kind: 'kind', name: 'name', website: 'website', contactName: 'contact_name', contactEmail: 'contact_email',
  contactPhone: 'contact_phone', address: 'address', commercialNotes: 'commercial_notes',
};

/** Maps API field names to columns, keeping only fields that were sent. */
function toColumns(input: Record<string, unknown>): Partial<OrganisationRow> {
  const out: Record<string, unknown> = {};
  for (const [api, value] of Object.entries(input)) if (api in COLUMNS && value !== undefined) out[COLUMNS[api]] = value;
  return out as Partial<OrganisationRow>;
}

/**
 * Records an organisation. Each field is checked (no mass assignment). The creator joins its team, because they
 * deal with it and so need to see its business information (1.4, 2.3), in the same transaction.
 */
export async function createOrganisation(ctx: Ctx, input: CreateOrganisationInput) {
  const d = checkWrite(ctx, 'organisation.create', 'organisation', input);
  const id = newId(ctx.now.getTime());
  await ctx.db
    .insertInto('organisations')
    .values({
      id, kind: input.kind, name: input.name, sort_key: sortKey(input.name), website: null, contact_name: null, contact_email: null,
      contact_phone: null, address: null, commercial_notes: null, ...toColumns(input), archived_at: null, created_by: ctx.actor.id,
      created_at: ctx.nowIso, updated_at: ctx.nowIso, version: 1,
    })
    .execute();
  await ctx.db.insertInto('organisation_team').values({ organisation_id: id, user_id: ctx.actor.id, added_at: ctx.nowIso, added_by: ctx.actor.id }).execute();
  ctx.audit.add({ action: 'organisation.create', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'organisation', resourceId: id, detail: { fields: Object.keys(input).sort() } });
  ctx.audit.add({ action: 'organisation.team.manage', decision: 'change', ruleId: d.ruleId, clause: d.clause, resourceType: 'organisation', resourceId: id, detail: { added: ctx.actor.id } });
  return getOrganisation(ctx, id);
}

/**
 * Changes fields of an organisation, if the actor may write each of them (commercial notes: its team only) and
 * `expectedVersion` is current (412 otherwise).
 */
export async function updateOrganisation(ctx: Ctx, id: string, expectedVersion: number, input: UpdateOrganisationInput) {
  const v = await findWritable(ctx, 'organisation.update', 'organisation', id, input);
  requireNotArchived(v.row, 'organisation');
  const changes = toColumns(input);
  if (input.name !== undefined) changes.sort_key = sortKey(input.name);
  return applyEdit(ctx, 'organisation', v, expectedVersion, changes, Object.keys(input));
}

/** Archives an organisation (managers; kept, hidden from lists unless asked for; not erasure). */
export async function archiveOrganisation(ctx: Ctx, id: string, expectedVersion: number) {
  const v = await findWritable(ctx, 'organisation.archive', 'organisation', id);
  requireNotArchived(v.row, 'organisation');
  const version = await updateVersioned(ctx, 'organisation', id, expectedVersion, { archived_at: ctx.nowIso });
  ctx.audit.add({ action: 'organisation.archive', decision: 'change', ruleId: v.decision.ruleId, clause: v.decision.clause, resourceType: 'organisation', resourceId: id, detail: { version } });
  return presentWritten(ctx, 'organisation', v, { archived_at: ctx.nowIso, version });
}
