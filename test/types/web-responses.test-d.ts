import { describe, expectTypeOf, it } from 'vitest';
import type { AccessLogClassRule } from '../../src/access/access-log';
import type { AuditCheck, AuditStatus } from '../../src/audit/status';
import type { FieldError } from '../../src/lib/errors';
import type { Matrix, MatrixRow } from '../../src/policy-document/matrix';
import type { Restricted } from '../../src/policy/present';
import type { Classification, Role } from '../../src/policy/types';
import type { Can } from '../../src/records/can';
import type { EntryKind } from '../../src/safeguarding/chronology';
import type { FieldError as WebFieldError } from '../../web/src/api/client';
import type * as Web from '../../web/src/api/models';
import type * as WebPolicy from '../../web/src/api/policy';

/**
 * The web app describes the responses it reads in web/src/api (the OpenAPI document describes paths and inputs).
 * Where a response is built from a server type, the two must stay the same shape: checked by the type checker, so
 * `npm test` fails when one changes without the other.
 */
describe("response shapes the web app reads are the server's", () => {
  it('3.4 need to know: what the actor may do with a record, the fields it may not see and why', () => {
    expectTypeOf<Web.Can>().toEqualTypeOf<Can>();
    expectTypeOf<Web.Restricted>().toEqualTypeOf<Restricted>();
    expectTypeOf<Web.Classification>().toEqualTypeOf<Classification>();
    expectTypeOf<Web.Role>().toEqualTypeOf<Role>();
  });

  it('3.1 justify-purpose: who has seen a record names the rule that opened each class of fields another rule did not', () => {
    expectTypeOf<Web.AccessLogClassRule>().toEqualTypeOf<AccessLogClassRule>();
  });

  it('1.1 the audit chain check and its status (POST also says whether it started one)', () => {
    expectTypeOf<WebPolicy.AuditCheck>().toEqualTypeOf<AuditCheck>();
    expectTypeOf<Omit<WebPolicy.AuditStatus, 'started'>>().toEqualTypeOf<AuditStatus>();
  });

  it('the policy matrix, the practice 4 safeguarding chronology, and the field an error names', () => {
    expectTypeOf<WebPolicy.Matrix>().toEqualTypeOf<Matrix>();
    expectTypeOf<WebPolicy.MatrixRow>().toEqualTypeOf<MatrixRow>();
    expectTypeOf<Web.EntryKind>().toEqualTypeOf<EntryKind>();
    expectTypeOf<WebFieldError>().toEqualTypeOf<FieldError>();
  });
});
