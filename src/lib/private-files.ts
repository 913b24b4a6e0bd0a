import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

// 3.7 secure conditions: what Confide keeps under DATA_DIR (the SQLite database, the audit signing key, attachments)
// is readable by the account that runs it only. Modes are set explicitly on what Confide creates, never through the
// process umask, which other code shares.

/** The mode of a directory Confide creates under (or as) DATA_DIR: owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** The mode of a file Confide creates under DATA_DIR: owner read and write only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` and any missing parents owner-only (0700). A directory that already exists, such as one the
 * operator made, is left as it is (`confide doctor` warns when others can read it).
 */
export function ensurePrivateDir(dir: string): void {
  const target = resolve(dir);
  const first = mkdirSync(target, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  // The mode given to mkdir passes through the umask; set it outright on each directory made here.
  for (let d = target; ; d = dirname(d)) {
    chmodSync(d, PRIVATE_DIR_MODE);
    if (d === first || d === dirname(d)) break;
  }
}

/**
 * Creates `file` empty and owner-only (0600) unless it exists; true when it was created here. An existing file is
 * left as it is. SQLite opens an empty file as a new database, so this runs before it opens one.
 */
export function createPrivateFile(file: string): boolean {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  chmodSync(file, PRIVATE_FILE_MODE);
  return true;
}

/**
 * Takes group and other permissions off `file` (0600) if it exists and has any. Quietly does nothing for a file
 * that is missing or owned by another account (`confide doctor` reports what is left open).
 */
export function tightenFile(file: string): void {
  try {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE_MODE);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}

/** The permission bits of `path` when group or others may read, write or enter it; null when only its owner may. */
export function openToOthers(path: string): number | null {
  const mode = statSync(path).mode & 0o777;
  return (mode & 0o077) === 0 ? null : mode;
}
