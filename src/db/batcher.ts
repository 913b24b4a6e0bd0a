import type { BatchObserver } from './units';

/** Options of {@link Batcher}. */
export interface BatcherOptions {
  /** Most items one batch takes (default 64). */
  maxItems?: number;
  /** Most batches running at once (default 1); each starts only after those before it started. */
  inFlight?: number;
  /**
   * Fewest items a batch starts with while another is running (default 1); fewer wait for the running ones to end,
   * when a batch starts whatever its size.
   */
  minItemsAlongside?: number;
  observer?: BatchObserver;
}

/**
 * Gathers items that arrive while a batch is running into the next one (group commit), one batch at a time unless
 * told otherwise (`inFlight`). A batch starts in the event loop's check phase, after every request that arrived in
 * this poll has been parsed and queued (work that runs entirely in microtasks would otherwise always make a batch of
 * one), and, between batches, after the answers of the last one have gone out and new requests have come in — so
 * clients and server overlap instead of taking turns. An idle server starts a batch in the same turn of the event
 * loop: nobody waits for company. `run` settles every item of its batch itself and must not throw.
 */
export class Batcher<T> {
  private readonly queue: T[] = [];
  private running = 0;
  private scheduled = false;
  private readonly maxItems: number;
  private readonly inFlight: number;
  private readonly minItemsAlongside: number;

  constructor(
    private readonly run: (batch: T[]) => Promise<void>,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 64;
    this.inFlight = options.inFlight ?? 1;
    this.minItemsAlongside = options.minItemsAlongside ?? 1;
  }

  /** Queues an item for the next batch. */
  add(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule() {
    if (this.scheduled || this.running >= this.inFlight || this.queue.length === 0) return;
    if (this.running > 0 && this.queue.length < this.minItemsAlongside) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue.splice(0, this.maxItems);
      this.options.observer?.batch(batch.length);
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        this.schedule();
      });
    });
  }
}
