import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/errors';

const run = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { ...process.env, LOG_LEVEL: 'silent', DATABASE_URL: '', DATA_DIR: dir }, encoding: 'utf8',
  });

describe('`confide policy load` and `confide policy matrix`', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confide-policy-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('3.6 3.7 matrix on a fresh database lists every clause of the bundled sample, as Markdown, JSON and PDF; 3.6 and 3.7 enforced in part', () => {
    const md = run(dir, 'policy', 'matrix');
    expect(md.status, md.stderr).toBe(0);
    expect(md.stdout).toContain('# Confidentiality Policy (sample) — traceability (version 1)');
    expect(md.stdout).toContain('## practice 4.1');
    // 2.1 was the last planned clause (authorised-use): the bundled sample has no gap left.
    expect(md.stdout).toContain('0 planned');
    expect(md.stdout).toContain('No gaps: every clause is enforced, enforced in part with a procedural note for the rest, procedural or a section heading.');
    expect(md.stdout).toContain('4 clauses are enforced in part — the software carries out what their rules name, and each procedural note says what the organisation does for the rest: 3.6, 3.7, 5, equality and diversity.');
    expect(md.stderr).not.toContain('warning');

    const json = run(dir, 'policy', 'matrix', '--format', 'json');
    expect(json.status, json.stderr).toBe(0);
    const m = JSON.parse(json.stdout);
    expect(m.summary).toMatchObject({ clauses: 35, uncovered: [], planned: [], gaps: [] });
    expect(m.rows.filter((r: { status: string }) => r.status === 'planned')).toEqual([]);
    expect(m.rows.find((r: { clause: string }) => r.clause === '2.1')).toMatchObject({ status: 'enforced', planned: null });
    expect(m.summary.inPart).toEqual(['3.6', '3.7', '5', 'equality-and-diversity']);
    for (const id of ['3.6', '3.7']) expect(m.rows.find((r: { clause: string }) => r.clause === id), id).toMatchObject({ status: 'in-part', procedural: expect.any(String) });

    const file = join(dir, 'matrix.pdf');
    const pdf = run(dir, 'policy', 'matrix', '-f', 'pdf', '-o', file);
    expect(pdf.status, pdf.stderr).toBe(0);
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    expect(run(dir, 'policy', 'matrix', '-f', 'pdf').stderr).toContain('--out is required');
    expect(run(dir, 'policy', 'matrix', '-f', 'doc').status).toBe(1);
  }, 180_000);

  it('3.5 staff-awareness: load re-maps clauses from a file and a clause map, and warns about what is unmapped', () => {
    const loaded = run(dir, 'policy', 'load', 'test/fixtures/second-policy.md', '--map', 'test/fixtures/second-policy-map.json', '--title', 'Harbour policy');
    expect(loaded.status, loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain('loaded "Harbour policy" as version 2: 11 clauses');
    // A running server follows the database through the access epoch (src/policy-document/sync.ts).
    expect(loaded.stdout).toContain('A running server cites the new clause numbers from its next request; no restart is needed.');
    expect(loaded.stdout).not.toMatch(/restart the server/i);
    expect(loaded.stderr).toContain('rule clause keys no clause of this policy maps');
    expect(loaded.stderr).toContain('secure-conditions');
    const m = JSON.parse(run(dir, 'policy', 'matrix', '-f', 'json').stdout);
    expect(m.policy).toMatchObject({ title: 'Harbour policy', version: 2 });
    expect(m.rows.find((r: { clause: string }) => r.clause === '2.2').keys).toEqual(['session-staff-team-only']);
  }, 180_000);

  it('bad input names what is wrong and loads nothing', () => {
    const empty = join(dir, 'empty.md');
    writeFileSync(empty, '   \n');
    const blank = run(dir, 'policy', 'load', empty);
    expect(blank.status).toBe(EXIT_CODES['invalid-input']);
    expect(blank.stderr).toContain('text: the policy text is empty');

    const unstructured = join(dir, 'words.md');
    writeFileSync(unstructured, 'We care about confidentiality.\n');
    expect(run(dir, 'policy', 'load', unstructured).stderr).toContain('body.text: no clauses found');

    const map = join(dir, 'map.json');
    writeFileSync(map, JSON.stringify({ keys: { bogus: ['1.1'] }, procedural: {} }));
    const badMap = run(dir, 'policy', 'load', 'test/fixtures/second-policy.md', '--map', map);
    expect(badMap.status).toBe(EXIT_CODES['invalid-input']);
    expect(badMap.stderr).toContain('body.clauseMap.keys.bogus: unknown clause key');

    const m = JSON.parse(run(dir, 'policy', 'matrix', '-f', 'json').stdout);
    expect(m.policy.version).toBe(2);
  }, 180_000);
});
