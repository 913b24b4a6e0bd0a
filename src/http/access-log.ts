import pino, { type Logger } from 'pino';

/** What one access-log line says: never the raw URL (it can carry a searched name), never a value from a record. */
export interface AccessLine {
  reqId: string;
  /** The signed-in user's id, null before anyone was identified. */
  actor: string | null;
  method: string;
  /** The route pattern, e.g. /api/people/:id ('unmatched' for none). */
  route: string;
  status: number;
  ms: number;
}

type LoggerInternals = Logger & {
  [pino.symbols.streamSym]: { write(line: string): unknown };
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.timeSym]: () => string;
};

/**
 * Writes one access-log line through `logger`'s destination, exactly as `logger.info({ reqId, actor, method, route,
 * status, ms }, 'request')` writes it (level, time, pid and hostname included), when the logger writes info lines.
 * Every answer writes one: built as text with the fields in a fixed order instead of through pino's general path
 * (a child logger, redaction, serialisation), which cost ~4 µs a request. The fields are the line's whole content, so
 * nothing here can carry a confidential value that redaction would have had to catch.
 */
export function writeAccessLine(logger: Logger, line: AccessLine): void {
  if (!logger.isLevelEnabled('info')) return;
  const l = logger as LoggerInternals;
  const text = `{"level":30${l[pino.symbols.timeSym]()}${l[pino.symbols.chindingsSym]},"reqId":${JSON.stringify(line.reqId)},"actor":${JSON.stringify(line.actor)},`
    + `"method":${JSON.stringify(line.method)},"route":${JSON.stringify(line.route)},"status":${line.status},"ms":${line.ms},"msg":"request"}\n`;
  l[pino.symbols.streamSym].write(text);
}
