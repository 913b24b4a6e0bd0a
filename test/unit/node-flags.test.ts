import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../bin/node-flags.mjs';

const root = join(import.meta.dirname, '../..');

describe('the Node.js flags the server runs with (bin/node-flags.mjs)', () => {
  it('npm start passes every one of them, so the benchmark measures the server as it is started', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = scripts.start.split(/\s+/);
    expect(start.slice(0, 1)).toEqual(['tsx']);
    for (const flag of SERVER_NODE_FLAGS) expect(start).toContain(flag);
    expect(start.indexOf('src/cli.ts')).toBeGreaterThan(Math.max(...SERVER_NODE_FLAGS.map((f) => start.indexOf(f))));
  });
});
