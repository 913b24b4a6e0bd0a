import { write, writeSync } from 'node:fs';

/** How long a waiting line may sit in the buffer before it is written, and how long to wait when the pipe is full. */
const FLUSH_EVERY_MS = 1000;
const RETRY_FULL_MS = 10;

/** Options of {@link LineBuffer}. */
export interface LineBufferOptions {
  /** Characters gathered before a write starts (default 16 KiB). */
  minLength?: number;
  /** Writes lines on their way to the file descriptor (tests); default `fs.write`. */
  writer?: typeof write;
}

/**
 * The process log's destination: lines gathered in memory and written to a file descriptor (stdout) in the
 * background once 16 KiB are waiting, at least every second, and synchronously when the process exits. A write
 * system call per line was about a third of a simple request's CPU.
 *
 * Adding a line costs the same however much is waiting. pino's default destination measured the byte length of its
 * whole pending buffer on every line (~3 µs a line with 4 KiB waiting, the largest part of the access log's cost on
 * an audited read); here lengths are counted in characters as lines arrive, which is all the threshold needs. A
 * full pipe (EAGAIN) is retried after a pause with nothing lost; a partial write continues where it stopped.
 */
export class LineBuffer {
  private parts: string[] = [];
  private waiting = 0;
  /** Bytes being written by the background write, and how far it had got when it was last sent on. */
  private inFlight: Buffer | null = null;
  private inFlightFrom = 0;
  private readonly minLength: number;
  private readonly writer: typeof write;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly fd: number,
    options: LineBufferOptions = {},
  ) {
    this.minLength = options.minLength ?? 16_384;
    this.writer = options.writer ?? write;
    this.timer = setInterval(() => this.flush(), FLUSH_EVERY_MS).unref();
    process.on('exit', this.flushSync);
  }

  /** Adds one line (pino's destination interface). Never blocks. */
  write(line: string): boolean {
    this.parts.push(line);
    this.waiting += line.length;
    if (this.waiting >= this.minLength) this.flush();
    return true;
  }

  /** Starts writing what is waiting, unless a write is already on its way (it continues with the rest). */
  flush(): void {
    if (this.inFlight || this.waiting === 0) return;
    this.send(this.take(), 0);
  }

  /** Writes everything still waiting, blocking until it is written: at exit, when nothing asynchronous runs. */
  readonly flushSync = (): void => {
    // A background write still on its way is written again from where it was sent (its callback then does nothing):
    // at exit, a line written twice is better than a line lost.
    const pending = this.inFlight?.subarray(this.inFlightFrom);
    this.inFlight = null;
    if (pending) writeAllSync(this.fd, pending);
    if (this.waiting) writeAllSync(this.fd, this.take());
  };

  /** Stops the periodic flush and writes what is waiting (tests, and a server closing cleanly). */
  close(): void {
    clearInterval(this.timer);
    process.off('exit', this.flushSync);
    this.flushSync();
  }

  private take(): Buffer {
    const bytes = Buffer.from(this.parts.join(''));
    this.parts = [];
    this.waiting = 0;
    return bytes;
  }

  private send(bytes: Buffer, offset: number): void {
    this.inFlight = bytes;
    this.inFlightFrom = offset;
    this.writer(this.fd, bytes, offset, bytes.length - offset, null, (error, written) => {
      if (this.inFlight !== bytes) return; // written synchronously at exit meanwhile
      if (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
          setTimeout(() => this.inFlight === bytes && this.send(bytes, offset), RETRY_FULL_MS).unref();
          return;
        }
        this.inFlight = null; // stdout closed or failing: the log cannot be written, and must not stop the server
        return;
      }
      if (offset + written < bytes.length) return this.send(bytes, offset + written);
      this.inFlight = null;
      if (this.waiting >= this.minLength) this.flush();
    });
  }
}

/** Writes all of `bytes`, waiting out a full non-blocking pipe. */
function writeAllSync(fd: number, bytes: Buffer): void {
  let offset = 0;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      Atomics.wait(pause, 0, 0, RETRY_FULL_MS);
    }
  }
}
