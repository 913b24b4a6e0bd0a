import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/db/batcher';

/** A batch run that ends when told to, recording what each batch held. */
function recorder() {
  const batches: number[][] = [];
  const ends: (() => void)[] = [];
  const run = (batch: number[]) => {
    batches.push(batch);
    return new Promise<void>((resolve) => ends.push(resolve));
  };
  return { batches, ends, run };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const settle = async () => {
  for (let i = 0; i < 3; i++) await nextTurn();
};

describe('group commit batches (src/db/batcher.ts)', () => {
  it('gathers what arrives in one turn into one batch, and what arrives while it runs into the next', async () => {
    const r = recorder();
    const b = new Batcher(r.run);
    b.add(1);
    b.add(2);
    await settle();
    expect(r.batches).toEqual([[1, 2]]);
    b.add(3);
    b.add(4);
    await settle();
    expect(r.batches).toEqual([[1, 2]]); // one at a time: the next waits for the first to end
    r.ends[0]();
    await settle();
    expect(r.batches).toEqual([[1, 2], [3, 4]]);
  });

  it('runs a second batch alongside the first only once it holds the fewest items allowed alongside', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { inFlight: 2, minItemsAlongside: 2 });
    b.add(1);
    await settle();
    expect(r.batches).toEqual([[1]]); // nothing running: a single item goes at once
    b.add(2);
    await settle();
    expect(r.batches).toEqual([[1]]); // alone while one runs: it waits
    b.add(3);
    await settle();
    expect(r.batches).toEqual([[1], [2, 3]]); // two: they go alongside
    b.add(4);
    await settle();
    expect(r.batches).toEqual([[1], [2, 3]]); // two running: the limit holds whatever the size
    r.ends[0]();
    await settle();
    expect(r.batches).toEqual([[1], [2, 3]]); // one ended, one still runs: a single item still waits
    r.ends[1]();
    await settle();
    expect(r.batches).toEqual([[1], [2, 3], [4]]); // none running: it goes
  });

  it('a single item left waiting goes as soon as the batch running ends', async () => {
    const r = recorder();
    const b = new Batcher(r.run, { inFlight: 2, minItemsAlongside: 2 });
    b.add(1);
    await settle();
    b.add(2);
    await settle();
    expect(r.batches).toEqual([[1]]);
    r.ends[0]();
    await settle();
    expect(r.batches).toEqual([[1], [2]]);
  });
});
