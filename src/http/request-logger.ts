import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type LogFn = (...args: unknown[]) => void;

/**
 * A request's logger (`request.log`): the pino child carrying the request id, made only when something logs through
 * it. Most answers log nothing but their access line, which is written without it (src/http/access-log.ts), and
 * making a child for every request was ~1 µs of each. Used as Fastify's `childLoggerFactory`.
 */
export class LazyRequestLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  get level(): string {
    return this.made?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: unknown[]): void {
    (this.real.fatal as LogFn)(...args);
  }

  error(...args: unknown[]): void {
    (this.real.error as LogFn)(...args);
  }

  warn(...args: unknown[]): void {
    (this.real.warn as LogFn)(...args);
  }

  info(...args: unknown[]): void {
    (this.real.info as LogFn)(...args);
  }

  debug(...args: unknown[]): void {
    (this.real.debug as LogFn)(...args);
  }

  trace(...args: unknown[]): void {
    (this.real.trace as LogFn)(...args);
  }

  silent(...args: unknown[]): void {
    (this.real.silent as LogFn)(...args);
  }

  /** A child of the request's logger (with the request id). */
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}
