import { enforce } from '../audit/enforce';
import { sql } from 'kysely';
import type { z } from 'zod';
import { AuditBuffer } from '../audit/append';
import type { Ctx } from '../context';
import { requireTeamCandidate, teamRolesFor } from '../cases/team';
import { DomainError } from '../lib/errors';
import { decide } from '../policy/decide';
import type { Role } from '../policy/types';
import { textFault } from '../lib/text';
import { createPerson } from '../people/commands';
import { createPersonBody } from '../people/schema';
import { purposeInForceFor } from '../purposes/in-force';
import { MAX_IMPORT_ROWS, TransferError, fromCsv } from './csv';
import { PERSON_COLUMNS } from './export-people';

/** One problem with one row: the row number as a spreadsheet shows it (header = row 1), the field, and why. */
export interface RowProblem {
  row: number;
  field: string | null;
  message: string;
}

/** What an import did. */
export interface ImportReport {
  rows: number;
  imported: number;
  rejected: number;
  /** False when the whole import was rolled back (all-or-nothing and some row failed). */
  committed: boolean;
  problems: RowProblem[];
  ids: string[];
}

const importRow = createPersonBody.omit({ openCase: true, firstContact: true });

/**
 * Whose team imported people join: each gets a first case for `service`, held for the purpose `purpose` (an id of the
 * register, in force: 2.1), led by `lead` (a username; default the importer), so the people are someone's to work
 * with and visible to them (3.4).
 */
export interface ImportTeam {
  service?: string;
  purpose?: string;
  lead?: string;
}

/**
 * Resolves and checks where imported people go, before any row is read: the lead must be an active user who may
 * lead a case (staff or a manager); putting a colleague on the team is case.team.manage (management; the denial is
 * audited); and an import that would leave the people invisible to the importer names what to add.
 */
async function resolveTeam(ctx: Ctx, team: ImportTeam): Promise<{ service?: string; purposeId?: string; leadId?: string }> {
  if (team.lead !== undefined && team.service === undefined) throw new TransferError('--team-of needs --service: imported people join that colleague\'s team on a new case for a service.');
  if (team.service !== undefined && !team.service.trim()) throw new TransferError('--service is empty: name the service their first case is for.');
  if (team.purpose !== undefined && team.service === undefined) throw new TransferError('--purpose needs --service: it names what their first case is held for.');
  if (team.service !== undefined && team.purpose === undefined) throw new TransferError('--service needs --purpose: name the purpose of the register their first case is held for (2.1), by its id.');
  // 2.1: checked once before any row (refused and audited when it is not active); each case's opening checks it again.
  if (team.purpose !== undefined) await purposeInForceFor(ctx, team.purpose.trim(), 'purpose', 'case.create', null);
  let leadId: string | undefined;
  if (team.lead !== undefined) {
    const user = await ctx.db.selectFrom('users').select('id').where('username', '=', team.lead.trim().toLowerCase()).executeTakeFirst();
    if (!user) throw new TransferError(`No active user "${team.lead}" for --team-of.`);
    let roles: Role[];
    try {
      roles = await requireTeamCandidate(ctx, user.id);
    } catch {
      throw new TransferError(`No active user "${team.lead}" who works with clients for --team-of.`);
    }
    if (!teamRolesFor(roles).includes('lead')) throw new TransferError(`"${team.lead}" may not lead a case (only staff and managers do): name a member of staff with --team-of.`);
    if (user.id !== ctx.actor.id) {
      enforce(ctx, 'case.team.manage', decide(ctx.actor, 'case.team.manage', { type: 'case', classification: 'general' }), { resourceType: 'case', resourceId: null, detail: { added: user.id, import: true } });
    }
    leadId = user.id;
  }
  if (team.service === undefined && !decide(ctx.actor, 'person.read', { type: 'person', team: false, granted: 0, classification: 'general' }).allowed) {
    throw new TransferError('You would not be able to see the people you import: you see the people of your case teams (3.4). Say which service their first case is for with --service (and whose team they join with --team-of; default you).');
  }
  return { service: team.service?.trim(), purposeId: team.purpose?.trim(), leadId };
}
const REQUIRED = ['givenName', 'familyName', 'kind'] as const;

/** Checks the header: every column known, none twice, the required ones present. */
function checkHeader(header: readonly string[]) {
  const known = new Set<string>(PERSON_COLUMNS);
  const seen = new Set<string>();
  for (const h of header) {
    if (!known.has(h)) throw new TransferError(`Unknown column "${h.slice(0, 60)}". Columns are: ${PERSON_COLUMNS.join(', ')}.`);
    if (seen.has(h)) throw new TransferError(`Column "${h}" appears twice.`);
    seen.add(h);
  }
  const missing = REQUIRED.filter((r) => !seen.has(r));
  if (missing.length) throw new TransferError(`Missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}.`);
}

/** Zod issues as row problems (field names, the schema's message; never the value). */
function zodProblems(row: number, error: z.ZodError): RowProblem[] {
  return error.issues.map((i) => ({ row, field: i.path.length ? String(i.path[0]) : null, message: i.message }));
}

/**
 * Imports people from CSV as the actor (issue 3). The header names API fields (see PERSON_COLUMNS); empty cells
 * are left unset. Each row is validated with the people schema and created through createPerson, so the
 * field-level write check applies (no mass assignment: a volunteer cannot import anything, staff cannot set
 * safeguarding notes). Each row runs in a savepoint. All-or-nothing by default: when any row fails, nothing is
 * kept (the caller rolls the transaction back when `committed` is false). With `partial`, good rows are kept and
 * the rest reported. File-level problems (unknown column, too many rows, bad CSV) are a TransferError.
 *
 * `team` says whose team the people join (issue 10): each row is registered like POST /api/people with a first case
 * for the service, led by the named colleague or the importer — the person, the case and its lead in the row's
 * savepoint, so a row is never half-imported. Without it, only an importer who sees everyone (management) may
 * import: anyone else would not see the people they imported.
 */
export async function importPeople(ctx: Ctx, text: string, options: { partial?: boolean; team?: ImportTeam } = {}): Promise<ImportReport> {
  const { header, records } = fromCsv(text);
  checkHeader(header);
  if (records.length > MAX_IMPORT_ROWS) throw new TransferError(`The file has ${records.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once.`);
  const team = await resolveTeam(ctx, options.team ?? {});
  const problems: RowProblem[] = [];
  const ids: string[] = [];
  for (const [index, record] of records.entries()) {
    const rowNumber = index + 2;
    const input: Record<string, string> = {};
    const unsafe: RowProblem[] = [];
    header.forEach((h, i) => {
      const cell = record[i] ?? '';
      // The same rule as every input over HTTP (src/lib/text.ts): no NUL, no unpaired surrogate, in any engine.
      const fault = textFault(cell);
      if (fault) unsafe.push({ row: rowNumber, field: h, message: fault });
      else if (cell.trim() !== '') input[h] = cell;
    });
    if (unsafe.length) {
      problems.push(...unsafe);
      continue;
    }
    const parsed = importRow.safeParse(input);
    if (!parsed.success) {
      problems.push(...zodProblems(rowNumber, parsed.error));
      continue;
    }
    const audit = new AuditBuffer();
    await sql`savepoint import_row`.execute(ctx.db);
    try {
      const body = team.service && team.purposeId ? { ...parsed.data, openCase: { service: team.service, purposeId: team.purposeId } } : parsed.data;
      const created = await createPerson({ ...ctx, audit }, body, { lead: team.leadId, path: 'service', purposePath: 'purpose' });
      await sql`release savepoint import_row`.execute(ctx.db);
      ids.push(created.id);
      for (const e of audit.entries) ctx.audit.add(e);
    } catch (error) {
      await sql`rollback to savepoint import_row`.execute(ctx.db);
      await sql`release savepoint import_row`.execute(ctx.db);
      for (const e of audit.denials()) ctx.audit.add(e); // denials are recorded even though the row is not
      if (!(error instanceof DomainError)) throw error;
      if (error.errors?.length) for (const e of error.errors) problems.push({ row: rowNumber, field: e.path.replace(/^body\./, ''), message: e.message });
      else problems.push({ row: rowNumber, field: null, message: error.detail });
    }
  }
  const rejected = new Set(problems.map((p) => p.row)).size;
  const committed = rejected === 0 || !!options.partial;
  return { rows: records.length, imported: committed ? ids.length : 0, rejected, committed, problems, ids: committed ? ids : [] };
}

/** The report as text for the console: one line per problem, by row and field; never a cell's value. */
export function importSummary(report: ImportReport, partial: boolean): string {
  const lines = report.problems.map((p) => `  row ${p.row}${p.field ? `, ${p.field}` : ''}: ${p.message}`);
  const head = report.committed
    ? `Imported ${report.imported} of ${report.rows} row(s)${report.rejected ? `; ${report.rejected} row(s) rejected and not imported` : ''}.`
    : `Nothing imported: ${report.rejected} of ${report.rows} row(s) have problems${partial ? '' : ' (all-or-nothing; fix them, or use --partial to import the good rows)'}.`;
  return `${[head, ...lines].join('\n')}\n`;
}
