import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, renderApiTypes } from '../../scripts/api-types';
import { createWorld, type World } from '../support/world';

describe('the web app’s API types', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld('sqlite');
  });
  afterAll(() => world.close());

  it('match the OpenAPI document the server serves (run `npm run api:types` after changing a route)', async () => {
    const served = await world.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(served.statusCode).toBe(200);
    const expected = await renderApiTypes(served.json());
    expect(readFileSync(API_TYPES_FILE, 'utf8') === expected, 'web/src/api/schema.d.ts is stale: run `npm run api:types`').toBe(true);
  });

  it('would notice a drift: a changed route renders different types', async () => {
    const doc = (await world.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    doc.paths['/api/people'].get.summary = 'changed';
    expect(await renderApiTypes(doc)).not.toBe(readFileSync(API_TYPES_FILE, 'utf8'));
  });
});
