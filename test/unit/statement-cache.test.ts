import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { rawStatementOn, rowsOf } from '../../src/db/statement-cache';

const opened: Database.Database[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function memory() {
  const db = new Database(':memory:');
  opened.push(db);
  return db;
}

describe('rows read as arrays and made into objects (the read path of every record: 3.4 decisions read these rows)', () => {
  it('answers the same objects better-sqlite3 would, a later column of the same name winning in the first one\'s place', () => {
    const db = memory();
    db.exec("create table t (id text, name text, n integer); insert into t values ('a', 'Ann', 1), ('b', null, 2)");
    const sql = 'select id, name, n, name as name from t order by id';
    const raw = rowsOf<Record<string, unknown>>(rawStatementOn(db, sql), []);
    const native = db.prepare(sql).all();
    expect(raw).toEqual(native);
    expect(raw.map((r) => Object.keys(r))).toEqual(native.map((r) => Object.keys(r as object)));
    expect(raw[0]).toEqual({ id: 'a', name: 'Ann', n: 1 });
  });

  it('takes column names as names, never as code: quotes, backslashes and line breaks come back as written', () => {
    const db = memory();
    const names = ['a"b', "c'd", 'e\\f', 'g\nh', '}; throw 1; ({'];
    const sql = `select ${names.map((n, i) => `${i} as "${n.replaceAll('"', '""')}"`).join(', ')}`;
    const [row] = rowsOf<Record<string, unknown>>(rawStatementOn(db, sql), []);
    expect(Object.keys(row)).toEqual(names);
    expect(Object.values(row)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a column named __proto__, which would set the object\'s prototype instead of a property', () => {
    const db = memory();
    expect(() => rawStatementOn(db, 'select 1 as "__proto__"')).toThrow(/__proto__/);
  });

  it('binds the values it is given and answers no rows when nothing matches', () => {
    const db = memory();
    db.exec("create table t (id text); insert into t values ('a'), ('b')");
    const statement = rawStatementOn(db, 'select id from t where id = ?');
    expect(rowsOf(statement, ['b'])).toEqual([{ id: 'b' }]);
    expect(rowsOf(statement, ['z'])).toEqual([]);
  });
});
