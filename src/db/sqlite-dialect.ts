import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite driver, with transactions begun `begin immediate` instead of a plain (deferred) `begin`.
 *
 * A deferred transaction takes the write lock only at its first write. When another process (a CLI command beside
 * the server) wrote the file in between, SQLite cannot upgrade the transaction's read snapshot and fails it with
 * SQLITE_BUSY at once — busy_timeout does not apply, because waiting could not help. About half of the appends of a
 * second process failed that way. `begin immediate` takes the write lock first, and waits for it (busy_timeout),
 * so the snapshot is always the latest. Inside one process nothing changes: the driver already runs one statement
 * at a time on its single connection. Queries outside transactions stay as they are (each its own read).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** {@link SqliteDialect} whose transactions begin `begin immediate` (see {@link ImmediateSqliteDriver}). */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
