/** What the server knows at start that decides what a new administrator should do next. */
export interface StartupState {
  /** The address to open in a browser. */
  url: string;
  /** The administrator created by this start, with its one-time password (never logged: printed once). */
  admin: { username: string; password: string } | null;
  /** Accounts and people recorded so far. */
  users: number;
  people: number;
  /** e.g. "sqlite: /srv/confide/data/confide.db". */
  database: string;
  /** Whether the web app is built (web/dist): `npm start` builds it, `confide serve` alone does not. */
  webBuilt: boolean;
}

/**
 * The words `npm start` prints for the person at the terminal: where Confide is serving and what to do next — on a
 * first start, sign in with the one-time password and create the staff accounts; while nobody is recorded, how to
 * try it with the fictional demo organisation (`npm run demo`, which refuses once people exist); how to stop it.
 */
export function startupGuide(s: StartupState): string {
  const lines = ['', `  Confide is serving ${s.url}  (${s.database})`, ''];
  if (s.admin) {
    lines.push(
      '  First start: the administrator account was created.',
      `    username:          ${s.admin.username}`,
      `    one-time password: ${s.admin.password}`,
      '  It is shown only now. You choose your own password when you first sign in.',
      '',
    );
  }
  const steps: string[] = [];
  // Until it is built the address answers with a page that says so: say it here first rather than send them there.
  if (!s.webBuilt) steps.push('Build the web app: run `npm run build:web` (`npm start` builds it when needed), then reload the page.');
  if (s.admin || s.users <= 1) {
    steps.push(`Open ${s.url} and sign in as the administrator${s.admin ? ' with the one-time password above' : ''}.`);
    steps.push('Create an account for each member of staff: Accounts → New account (each gets a one-time password).');
  } else {
    steps.push(`Open ${s.url} and sign in.`);
  }
  if (s.people === 0) steps.push('To look around with fictional people first, run `npm run demo` in another terminal (it prints the demo sign-ins).');
  lines.push('  What next:', ...steps.map((t, i) => `    ${i + 1}. ${t}`), '', '  Stop with Ctrl+C. Log lines follow (LOG_FORMAT=json for JSON lines).', '');
  return `${lines.join('\n')}\n`;
}

/**
 * Makes a closed pipe (`confide policy matrix | head -1`) end the command quietly, as other Unix tools do, instead
 * of an unhandled EPIPE stack trace: the reader has all it wanted, so exit at once with success.
 */
export function exitQuietlyOnClosedPipe(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') process.exit(0);
      throw error;
    });
  }
}
