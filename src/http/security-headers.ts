import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The security headers helmet would set for `options`, computed once. Helmet builds them on every response (it
 * re-parses the CSP directives each time: ~30 % of a simple request's CPU here); with no per-request parts (no
 * nonces) the result is the same for every response, so Confide sets this fixed set instead.
 */
export function securityHeaders(options: Readonly<HelmetOptions>): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return Object.freeze(headers);
}

// Both kinds: no referrer, no framing; HSTS only on answers over https (RFC 6797 §7.2), added per request (src/app.ts).
const shared = { referrerPolicy: { policy: 'no-referrer' }, xFrameOptions: { action: 'deny' }, strictTransportSecurity: false } as const;

/**
 * The security headers of every answer that is data (JSON, problem+json, a file): the set OWASP's REST Security
 * Cheat Sheet recommends, with a CSP that lets nothing load or run should an answer be opened as a document, and no
 * caching. Helmet's headers that only a document uses (opener policy, origin-agent-cluster, DNS prefetch, the old
 * XSS filter, IE's downloads, Flash's policy files) are left off: each API answer is ~300 bytes shorter for it.
 */
export const DATA_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...securityHeaders({
    ...shared,
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
  }),
  'cache-control': 'no-store',
});

/** The security headers of a page (the web app, the API reference): helmet's, with a CSP for the page's own files. */
const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...securityHeaders({
    ...shared,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  }),
  'cache-control': 'no-store',
});

/** Makes the answer an HTML page: its type, and the page's security headers in place of the data headers. */
export function asPage(reply: FastifyReply): FastifyReply {
  return reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8');
}
