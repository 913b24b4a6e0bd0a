import { loadConfig } from '../config';
import type { Services } from '../context';
import { createServices, prepareDatabase } from '../services';

/** Opens services for a CLI command (migrating first), runs it, and always closes the database. */
export async function withServices<T>(fn: (services: Services) => Promise<T>, options: { signing?: boolean } = {}): Promise<T> {
  const services = createServices(loadConfig(process.env));
  try {
    await prepareDatabase(services, options);
    return await fn(services);
  } finally {
    await services.db.close();
  }
}

/** Prints an error for the user and sets a failing exit code (no stack traces for expected failures). */
export function fail(message: string, code = 1): void {
  process.stderr.write(`confide: ${message}\n`);
  process.exitCode = code;
}
