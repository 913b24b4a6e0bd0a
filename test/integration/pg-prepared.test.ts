import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PreparingClient } from '../../src/db/pg-prepared';
import { dialects } from '../support/world';

/**
 * The PostgreSQL connection every pooled query goes through (src/db/pg-prepared.ts): statements prepared once per
 * connection, and one statement at a time on a connection, in the order asked — a unit may ask for several reads at
 * once (Promise.all) on the one connection it holds, and pg 9 refuses a query sent while another runs.
 */
describe.skipIf(!dialects().includes('postgres'))('the PostgreSQL connection (prepared, one statement at a time)', () => {
  let client: PreparingClient;
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);

  beforeAll(async () => {
    client = new PreparingClient({ connectionString: inject('pgUrl')! });
    await client.connect();
    process.on('warning', onWarning);
  });
  afterAll(async () => {
    process.off('warning', onWarning);
    await client.end();
  });

  it('runs statements asked for at once one after the other, in order, with no warning from pg', async () => {
    const order: number[] = [];
    const ask = (i: number) => client.query('select $1::int as i, pg_sleep(0.01)', [i]).then((r: { rows: { i: number }[] }) => order.push(r.rows[0].i));
    await Promise.all([ask(1), ask(2), ask(3), client.query('select 4 as i').then(() => order.push(4))]);
    expect(order).toEqual([1, 2, 3, 4]);
    await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
    expect(warnings.filter((w) => w.includes('already executing a query'))).toEqual([]);
  });

  it('a failing statement does not stop the ones queued behind it', async () => {
    const results = await Promise.allSettled([
      client.query('select 1 / $1::int as x', [0]),
      client.query('select $1::int + 1 as x', [1]),
    ]);
    expect(results[0].status).toBe('rejected');
    expect(results[1]).toMatchObject({ status: 'fulfilled', value: { rows: [{ x: 2 }] } });
  });

  it('prepares a parameterised statement once and reuses it', async () => {
    const before = Number((await client.query('select count(*) as n from pg_prepared_statements')).rows[0].n);
    for (let i = 0; i < 3; i++) await client.query('select $1::text as v', [`v${i}`]);
    const after = Number((await client.query('select count(*) as n from pg_prepared_statements')).rows[0].n);
    expect(after - before).toBe(1);
  });

  it('reads every run of a prepared statement with the shape its answer is described with, also after its table changed', async () => {
    await client.query('create temporary table shaped (a int, b text)');
    await client.query(`insert into shaped values (1, 'x'), (2, null)`);
    const read = (a: number) => client.query('select * from shaped where a = $1', [a]).then((r: { rows: unknown[] }) => r.rows);
    expect(await read(1)).toEqual([{ a: 1, b: 'x' }]);
    expect(await read(2)).toEqual([{ a: 2, b: null }]); // the second run reuses the first's parsers: a is still a number
    await client.query('alter table shaped add column c int not null default 7');
    expect(await read(1)).toEqual([{ a: 1, b: 'x', c: 7 }]); // refused as a stale plan once, run again unprepared
    expect(await read(2)).toEqual([{ a: 2, b: null, c: 7 }]); // prepared afresh: read with the new shape
    await client.query('alter table shaped alter column c type text');
    expect(await read(1)).toEqual([{ a: 1, b: 'x', c: '7' }]);
    expect(await read(1)).toEqual([{ a: 1, b: 'x', c: '7' }]);
  });

  it('asks PostgreSQL to describe a prepared statement\'s answer on its first run only', async () => {
    const connection = (client as unknown as { connection: { describe(m: unknown): void } }).connection;
    const describe = connection.describe;
    let described = 0;
    connection.describe = function (this: unknown, m: unknown) {
      described++;
      describe.call(this, m);
    };
    try {
      const runs = await Promise.all([1, 2, 3].map((i) => client.query('select $1::int as n, $2::text as t', [i, `t${i}`])));
      const later = await client.query('select $1::int as n, $2::text as t', [4, null]);
      expect(runs.map((r: { rows: unknown[] }) => r.rows[0])).toEqual([{ n: 1, t: 't1' }, { n: 2, t: 't2' }, { n: 3, t: 't3' }]);
      expect(later.rows).toEqual([{ n: 4, t: null }]);
      expect(later.fields.map((f: { name: string }) => f.name)).toEqual(['n', 't']);
      expect(described).toBe(1);
    } finally {
      connection.describe = describe;
    }
  });
});
