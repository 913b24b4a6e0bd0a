import { describe, expectTypeOf, it } from 'vitest';
import type { AuditCheck, AuditStatus } from '../../src/audit/status';
import type { Can } from '../../src/records/can';
import type { Can as WebCan } from '../../web/src/api/models';
import type { AuditCheck as WebAuditCheck, AuditStatus as WebAuditStatus } from '../../web/src/api/policy';

/**
 * The web app describes the responses it reads in web/src/api (the OpenAPI document describes paths and inputs).
 * Where a response is built from a server type, the two must stay the same shape: checked by the type checker, so
 * `npm test` fails when one changes without the other.
 */
describe('response shapes the web app reads are the server\'s', () => {
  it('3.4 need to know: what the actor may do with a record (capabilities)', () => {
    expectTypeOf<WebCan>().toEqualTypeOf<Can>();
  });

  it('1.1 the audit chain check and its status (POST also says whether it started one)', () => {
    expectTypeOf<WebAuditCheck>().toEqualTypeOf<AuditCheck>();
    expectTypeOf<Omit<WebAuditStatus, 'started'>>().toEqualTypeOf<AuditStatus>();
  });
});
