import { describe, expect, it } from 'vitest';
import { problemOf, toProblem } from '../../src/http/errors';
import { forbidden, refused, staleVersion, unauthenticated, ERROR_KINDS, DomainError } from '../../src/lib/errors';

describe('the HTTP layer renders domain errors as RFC 9457 problems', () => {
  it('each kind has its status, title and type URI', () => {
    const rendered = Object.fromEntries(ERROR_KINDS.map((k) => {
      const p = problemOf(new DomainError(k, 'x'));
      return [k, `${p.status} ${p.title} ${p.type}`];
    }));
    expect(rendered).toEqual({
      'invalid-input': '400 Bad request https://confide.example/problems/bad-request',
      unauthenticated: '401 Unauthenticated https://confide.example/problems/unauthenticated',
      forbidden: '403 Forbidden https://confide.example/problems/forbidden',
      'not-found': '404 Not found https://confide.example/problems/not-found',
      conflict: '409 Conflict https://confide.example/problems/conflict',
      'stale-version': '412 Precondition failed https://confide.example/problems/precondition-failed',
      'too-large': '413 Content too large https://confide.example/problems/content-too-large',
      'unsupported-media-type': '415 Unsupported media type https://confide.example/problems/unsupported-media-type',
      'version-required': '428 Precondition required https://confide.example/problems/precondition-required',
      'rate-limited': '429 Too many requests https://confide.example/problems/too-many-requests',
      unavailable: '503 Service unavailable https://confide.example/problems/service-unavailable',
    });
  });

  it('3.4 need to know: a policy refusal carries its rule and clause; other refusals carry a code or nothing', () => {
    expect(problemOf(forbidden({ reason: 'Not on the team.', ruleId: 'need-to-know/case-team', clause: '3.4' })).extra).toEqual({ rule: 'need-to-know/case-team', clause: '3.4' });
    expect(problemOf(refused('Change your one-time password before continuing.', { code: 'password-change-required' })).extra).toEqual({ code: 'password-change-required' });
    expect(problemOf(refused('This API token is read-only.')).extra).toBeUndefined();
    expect(problemOf(unauthenticated()).detail).toBe('Sign in to continue.');
  });

  it('a stale version names the If-Match header the version came in', () => {
    expect(problemOf(staleVersion(7)).errors).toEqual([{ path: 'header.if-match', message: 'stale version; current is 7' }]);
  });

  it('anything that is not a domain or framework error is a 500 that reveals nothing', () => {
    const { problem, unexpected } = toProblem(new Error("duplicate key (email)=('a@b')"));
    expect(unexpected).toBe(true);
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('a@b');
  });
});
