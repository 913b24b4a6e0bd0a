import type { Services } from '../context';
import { runIcoClock } from './clock';
import { runFlags } from './flags';

/** One pass of the breach register's scheduled work: the ICO clock's warnings, then the review flags. */
export async function runBreachChecks(services: Services) {
  const warned = await runIcoClock(services);
  const flags = await runFlags(services);
  return { warned, flags };
}

/**
 * Runs {@link runBreachChecks} every BREACH_CHECK_SECONDS in this process, one pass at a time (several processes may
 * run it: each warning and each flag is recorded once). Returns a function that stops it.
 */
export function startBreachJobs(services: Services): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runBreachChecks(services)
      .catch((error: Error) => services.logger.error({ err: { type: error.name, stack: error.stack } }, 'breach checks failed'))
      .finally(() => { running = false; });
  }, services.config.breachCheckSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
