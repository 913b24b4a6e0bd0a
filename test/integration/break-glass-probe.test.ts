import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, auditRows, makePerson, makeUser, type TestUser } from '../factories';
import { createWorld, dialects, type World } from '../support/world';

// practice 4.2 break-glass-review (issue 9): break-glass answered 404 for a random id and 201 with
// `recordFound: true` for a real one, so it told anyone allowed to break the glass which ids exist. It now answers
// alike, records the attempt either way, and only the reviewers see whether the record existed.

const reason = 'Client collapsed at the session, need emergency contacts now';
const missingId = () => `01900000-0000-7000-8000-${Math.floor(Math.random() * 1e12).toString().padStart(12, '0')}`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.each(dialects())('practice 4.2 break-glass-review: break-glass cannot probe ids (%s)', (dialect) => {
  let world: World;
  let staff: TestUser;
  let manager: TestUser;
  let reviewer: TestUser;
  let personId: string;

  beforeAll(async () => {
    world = await createWorld(dialect, { sessionIdleMinutes: 24 * 60 });
    staff = await makeUser(world, ['staff']);
    manager = await makeUser(world, ['manager']);
    reviewer = await makeUser(world, ['manager']);
    personId = await makePerson(world);
  });
  afterAll(() => world.close());

  it('practice 4.2 break-glass-review: a real and a missing record get the same status and the same shape, never recordFound', async () => {
    for (const user of [staff, manager]) {
      const real = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: personId, reason });
      const missing = await as(world, user).post('/api/access/break-glass', { resourceType: 'person', resourceId: missingId(), reason });
      expect(real.statusCode).toBe(201);
      expect(missing.statusCode).toBe(201);
      expect(Object.keys(missing.json()).sort()).toEqual(Object.keys(real.json()).sort());
      for (const res of [real, missing]) {
        expect(res.json()).not.toHaveProperty('recordFound');
        expect(res.json()).toMatchObject({ kind: 'break_glass', status: 'approved', reviewStatus: 'pending' });
        expect(res.headers['content-type']).toBe(real.headers['content-type']);
      }
      const { id: _a, resourceId: _b, requestedAt: _c, decidedAt: _d, expiresAt: _e, ...realRest } = real.json();
      const { id: _f, resourceId: _g, requestedAt: _h, decidedAt: _i, expiresAt: _j, ...missingRest } = missing.json();
      expect(missingRest).toEqual(realRest);
    }
  });

  it('practice 4.3 break-glass-review: the attempt on a missing record is recorded and reviewed like any other; the reviewers see it found nothing', async () => {
    const id = missingId();
    const res = await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: id, reason });
    const entry = (await auditRows(world)).find((r) => r.action === 'breakglass.open' && r.resource_id === id);
    expect(entry).toMatchObject({ actor_id: staff.id, decision: 'allow', resource_type: 'person', subject_person_id: null });
    expect(JSON.parse(entry!.detail)).toMatchObject({ grant: res.json().id, found: false });
    const queue = (await as(world, reviewer).get('/api/access/break-glass?review=pending&limit=100')).json().items as { id: string; recordFound?: boolean }[];
    expect(queue.find((g) => g.id === res.json().id)).toMatchObject({ recordFound: false });
    const notices = (await as(world, reviewer).get('/api/notifications?unread=true&limit=100')).json().items as { kind: string; resourceId: string }[];
    expect(notices.some((n) => n.kind === 'break-glass' && n.resourceId === res.json().id)).toBe(true);
    // The grant opens nothing: the id still answers 404, like any record one may not see.
    expect((await as(world, staff).get(`/api/people/${id}`)).statusCode).toBe(404);
  });

  it('practice 4.2 break-glass-review: a real and a missing record take about the same time (same work on both paths)', async () => {
    const time = async (resourceId: () => string) => {
      const ms: number[] = [];
      for (let i = 0; i < 8; i++) {
        const t = performance.now();
        expect((await as(world, staff).post('/api/access/break-glass', { resourceType: 'person', resourceId: resourceId(), reason })).statusCode).toBe(201);
        ms.push(performance.now() - t);
      }
      return median(ms);
    };
    const real = await time(() => personId);
    const missing = await time(missingId);
    expect(Math.abs(real - missing)).toBeLessThan(Math.max(25, real));
  });
});
