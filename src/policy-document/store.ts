import { holdStartupLock } from '../db/startup-lock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { AuditEntry } from '../audit/append';
import type { Services } from '../context';
import type { Database, PolicyDocumentRow } from '../db/schema';
import { invalidInput, type FieldError } from '../lib/errors';
import { newId } from '../lib/ids';
import { CLAUSE_KEYS, SAMPLE_CLAUSE_MAP_DOCUMENT, type ClauseMapDocument } from '../policy/clauses';
import { ADMINISTER_RULE } from '../policy/rules/accounts';
import type { PolicyState } from '../policy/state';
import { runUnit } from '../unit';
import { parsePolicy, type Clause } from './parse';

/** The sample policy Confide ships with (a UK music charity's), loaded on first start. */
export const SAMPLE_POLICY_FILE = join(import.meta.dirname, '../../policies/sample-confidentiality-policy.md');

/** A stored policy version as the API presents it. */
export interface PolicyDocument {
  id: string;
  version: number;
  title: string;
  body: string;
  clauses: Clause[];
  clauseMap: ClauseMapDocument;
  loadedAt: string;
  loadedBy: string | null;
}

/** Turns a row into a document. */
export function toDocument(row: PolicyDocumentRow): PolicyDocument {
  return {
    id: row.id, version: Number(row.version), title: row.title, body: row.body, clauses: JSON.parse(row.clauses),
    clauseMap: withPlanned(JSON.parse(row.clause_map)), loadedAt: row.loaded_at, loadedBy: row.loaded_by,
  };
}

/** A stored map as the current shape: maps stored before planned clauses were listed have none. */
const withPlanned = (map: Omit<ClauseMapDocument, 'planned'> & { planned?: Record<string, string> }): ClauseMapDocument => ({ ...map, planned: map.planned ?? {} });

/** The current (highest) version, or null when none is loaded. */
export async function currentPolicy(db: Kysely<Database>): Promise<PolicyDocument | null> {
  const row = await db.selectFrom('policy_documents').selectAll().orderBy('version', 'desc').limit(1).executeTakeFirst();
  return row ? toDocument(row) : null;
}

/** Checks a clause map against the parsed clauses; every key must be known and every clause id must exist. */
export function clauseMapErrors(map: ClauseMapDocument, clauses: readonly Clause[], prefix = 'body.clauseMap'): FieldError[] {
  const ids = new Set(clauses.map((c) => c.id));
  const errors: FieldError[] = [];
  for (const [key, list] of Object.entries(map.keys)) {
    if (!(key in CLAUSE_KEYS)) errors.push({ path: `${prefix}.keys.${key}`, message: `unknown clause key; known keys: ${Object.keys(CLAUSE_KEYS).join(', ')}` });
    list.forEach((id, i) => {
      if (!ids.has(id)) errors.push({ path: `${prefix}.keys.${key}.${i}`, message: `no clause "${id}" in this policy` });
    });
  }
  for (const id of Object.keys(map.procedural)) {
    if (!ids.has(id)) errors.push({ path: `${prefix}.procedural.${id}`, message: `no clause "${id}" in this policy` });
  }
  for (const id of Object.keys(map.planned)) {
    if (!ids.has(id)) errors.push({ path: `${prefix}.planned.${id}`, message: `no clause "${id}" in this policy` });
    else if (id in map.procedural) errors.push({ path: `${prefix}.planned.${id}`, message: `clause "${id}" is also listed as procedural; a clause is one or the other` });
  }
  return errors;
}

/** Keeps only the parts of an earlier map that still name clauses of the new text. */
function carryOver(map: ClauseMapDocument, clauses: readonly Clause[]): ClauseMapDocument {
  const ids = new Set(clauses.map((c) => c.id));
  return {
    keys: Object.fromEntries(Object.entries(map.keys).map(([k, v]) => [k, v.filter((id) => ids.has(id))])),
    procedural: Object.fromEntries(Object.entries(map.procedural).filter(([id]) => ids.has(id))),
    planned: Object.fromEntries(Object.entries(map.planned).filter(([id]) => ids.has(id))),
  };
}

/** What loading a policy needs. Without a clause map, the previous version's map is carried over. */
export interface LoadPolicyInput {
  title: string;
  text: string;
  clauseMap?: ClauseMapDocument;
}

/**
 * Stores a new version of the organisation's policy (caller's transaction). Staff must accept it before they see
 * confidential records again (3.5). Returns the document and its audit entry, citing rule accounts/administer with
 * its clause under `policy`, the policy the loading unit decides under.
 */
export async function storePolicy(db: Kysely<Database>, input: LoadPolicyInput, actorId: string | null, nowIso: string, policy: Pick<PolicyState, 'clauseFor'>) {
  const clauses = parsePolicy(input.text);
  if (clauses.length === 0) throw invalidInput('No numbered clauses were found in the policy text.', [{ path: 'body.text', message: 'no clauses found' }]);
  const previous = await currentPolicy(db);
  const map = input.clauseMap ?? carryOver(previous?.clauseMap ?? SAMPLE_CLAUSE_MAP_DOCUMENT, clauses);
  const errors = clauseMapErrors(map, clauses);
  if (errors.length) throw invalidInput('The clause map does not fit this policy.', errors);
  const row: PolicyDocumentRow = {
    id: newId(Date.parse(nowIso)), version: (previous?.version ?? 0) + 1, title: input.title, body: input.text,
    clauses: JSON.stringify(clauses), clause_map: JSON.stringify(map), loaded_at: nowIso, loaded_by: actorId,
  };
  await db.insertInto('policy_documents').values(row).execute();
  const entry: AuditEntry = {
    action: 'policy.load', decision: 'change', ruleId: ADMINISTER_RULE.id, clause: policy.clauseFor(ADMINISTER_RULE.clauseKey), resourceType: 'policy', resourceId: row.id,
    detail: { version: row.version, clauses: clauses.length, mappedKeys: Object.keys(map.keys).sort() },
  };
  return { document: toDocument(row), entry };
}

/**
 * Start-up step: when no policy is loaded yet, the system installs the bundled sample as version 1 (replace it with
 * `confide policy load`); when the bundled sample is the current policy, its clause map is given the sample notes
 * this release adds ({@link refreshSampleNotes}). Decisions read it per unit of work (./sync.ts).
 */
export async function installDefaultPolicy(services: Services): Promise<void> {
  const db = services.db.kysely;
  const current = await currentPolicy(db);
  if (current) return refreshSampleNotes(services, current);
  await runUnit(services, {
    actor: 'system', requestId: 'startup',
    work: async (ctx) => {
      await holdStartupLock(ctx.db, ctx.services.db.dialect);
      if (await currentPolicy(ctx.db)) return;
      const { entry } = await storePolicy(ctx.db, { title: 'Confidentiality Policy (sample)', text: readFileSync(SAMPLE_POLICY_FILE, 'utf8'), clauseMap: SAMPLE_CLAUSE_MAP_DOCUMENT }, null, ctx.nowIso, ctx.actor.policy);
      ctx.audit.add(entry);
    },
  });
}

/**
 * The procedural notes of this release's sample map that `doc` lacks, when `doc` is the bundled sample policy (its
 * text unchanged): the map stored when an earlier release installed it is that release's, and a note added since —
 * say 3.7's, which makes the clause enforced in part instead of enforced — would otherwise never reach it. A note is
 * missing only where the clause has no procedural or planned note of its own and is mapped to exactly the clause
 * keys the sample maps it to (so the note speaks of the same rules); an organisation's own policy text, its own
 * notes and its own mapping are never changed here.
 */
export function missingSampleNotes(doc: PolicyDocument, sampleText: string): Record<string, string> {
  if (doc.body.trim() !== sampleText.trim()) return {};
  const keysOf = (map: ClauseMapDocument, id: string) => Object.entries(map.keys).filter(([, ids]) => ids.includes(id)).map(([k]) => k).sort().join(' ');
  const ids = new Set(doc.clauses.map((c) => c.id));
  return Object.fromEntries(Object.entries(SAMPLE_CLAUSE_MAP_DOCUMENT.procedural).filter(([id]) => ids.has(id)
    && !(id in doc.clauseMap.procedural) && !(id in doc.clauseMap.planned) && keysOf(doc.clauseMap, id) === keysOf(SAMPLE_CLAUSE_MAP_DOCUMENT, id)));
}

/**
 * Start-up step (from {@link installDefaultPolicy}): gives the current policy, when it is the bundled sample, the
 * sample notes it lacks ({@link missingSampleNotes}) in its stored clause map, in place — no new version, so nobody
 * accepts the policy again: its text is unchanged. Audited as a change to the policy naming the clauses given a note.
 */
export async function refreshSampleNotes(services: Services, current: PolicyDocument): Promise<void> {
  const sampleText = readFileSync(SAMPLE_POLICY_FILE, 'utf8');
  if (!Object.keys(missingSampleNotes(current, sampleText)).length) return;
  await runUnit(services, {
    actor: 'system', requestId: 'startup',
    work: async (ctx) => {
      await holdStartupLock(ctx.db, ctx.services.db.dialect);
      const doc = await currentPolicy(ctx.db);
      const added = doc ? missingSampleNotes(doc, sampleText) : {};
      if (!doc || !Object.keys(added).length) return;
      const map: ClauseMapDocument = { ...doc.clauseMap, procedural: { ...doc.clauseMap.procedural, ...added } };
      await ctx.db.updateTable('policy_documents').set({ clause_map: JSON.stringify(map) }).where('id', '=', doc.id).execute();
      ctx.audit.add({
        action: 'policy.load', decision: 'change', ruleId: ADMINISTER_RULE.id, clause: ctx.actor.policy.clauseFor(ADMINISTER_RULE.clauseKey), resourceType: 'policy', resourceId: doc.id,
        detail: { version: doc.version, notesAdded: Object.keys(added).sort() },
      });
    },
  });
}
