// Writes src/policy-document/test-index.json: which tests cite which clause keys, for the traceability matrix.
// Run with `npm run traceability` whenever tests change; a unit test fails when the committed index is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { indexTests } from '../src/policy-document/test-titles';

const root = join(import.meta.dirname, '..');
const tests = indexTests(root);
writeFileSync(join(root, 'src/policy-document/test-index.json'), `${JSON.stringify({ tests }, null, 1)}\n`);
process.stdout.write(`indexed ${tests.length} tests citing clauses\n`);
