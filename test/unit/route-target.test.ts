import { describe, expect, it } from 'vitest';
import { NOT_RECORDS, routeTarget, routeTargetOf } from '../../src/http/route-target';
import type { PolicyRoute } from '../../src/http/route';
import { allRoutes } from '../../src/routes';

const ID = '01a23bb7-5997-7000-89f3-6fee62f204b0';

describe('the record a route names, for the audit of a refusal at the policy gate', () => {
  it('1.1 audit: every route whose path names a record says which type it is, so a refusal before the handler still names the record', () => {
    const unnamed = allRoutes()
      .map((r) => r.url)
      .filter((url) => url.includes('/:'))
      .filter((url) => {
        const parts = url.split('/');
        const collection = parts[parts.findIndex((p) => p.startsWith(':')) - 1];
        return !NOT_RECORDS.includes(collection) && routeTargetOf(url) === null;
      });
    expect(unnamed).toEqual([]);
  });

  it('1.1 audit: the record is named by type and id; an id not of our form is left out rather than copied into the audit', () => {
    expect(routeTarget('/api/agreements/:id/terminate', { id: ID })).toEqual({ resourceType: 'agreement', resourceId: ID });
    expect(routeTarget('/api/referrals/:id/approval', { id: ID })).toEqual({ resourceType: 'referral', resourceId: ID });
    expect(routeTarget('/api/disclosures/:id/release', { id: ID })).toEqual({ resourceType: 'disclosure', resourceId: ID });
    expect(routeTarget('/api/cases/:caseId/notes', { caseId: ID })).toEqual({ resourceType: 'case', resourceId: ID });
    expect(routeTarget('/api/disclosures/:id/release', { id: 'Jo Bloggs' })).toEqual({});
    expect(routeTarget('/api/policy/rules/:ruleId/mode', { ruleId: 'default/deny' })).toEqual({});
  });

  it('1.1 audit: every route whose body, not its path, names a person or case declares where, so a refusal at the gate names them; safeguarding work does not (practice 4.1)', () => {
    const NAMING = ['personId', 'personIds', 'caseId', 'resourceId'];
    // Raising a concern names the person it is about: safeguarding work, kept out of the person's access log.
    const SAFEGUARDING = ['POST /api/concerns'];
    const routes = allRoutes().filter((r): r is PolicyRoute => !r.public);
    const fieldsOf = (r: PolicyRoute) => Object.keys((r.body as { shape?: Record<string, unknown> } | undefined)?.shape ?? {});
    const undeclared = routes
      .filter((r) => routeTargetOf(r.url) === null && !r.bodyTarget && fieldsOf(r).some((f) => NAMING.includes(f)))
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual(SAFEGUARDING);
    for (const r of routes.filter((r) => r.bodyTarget)) {
      expect(routeTargetOf(r.url), r.url).toBeNull();
      for (const t of r.bodyTarget!) {
        expect(fieldsOf(r), r.url).toContain(t.id);
        if ('typeFrom' in t) expect(fieldsOf(r), r.url).toContain(t.typeFrom);
      }
    }
  });
});
