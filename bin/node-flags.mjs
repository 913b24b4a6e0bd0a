/**
 * The Node.js flags the server runs with, in one place: `npm start` (package.json, checked by
 * test/unit/node-flags.test.ts), the `confide` command (bin/confide.mjs) and the HTTP benchmark's server
 * (bench/http.ts), so the benchmark measures the server as it is deployed.
 *
 * --max-semi-space-size=64: a young generation of up to 64 MB per semi-space instead of V8's default 16 MB. Every
 * request allocates short-lived objects (the row, its presentation, the audit entry, the reply); with the default,
 * the young generation filled every few hundred requests and each scavenge copied the objects of every request still
 * in flight. Four times as much room, four times fewer scavenges: the PostgreSQL audited read went from 42.5 % to
 * 54.7 % of its bare peer at 10 clients (bench/out A/B, six alternating rounds, ~10 % less server CPU per request),
 * for up to ~130 MB more memory under load.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];
