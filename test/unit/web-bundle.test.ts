import { describe, expect, it } from 'vitest';
import { INITIAL_JS_BUDGET_BYTES, initialScripts } from '../../scripts/bundle-size';

describe('the web app’s first load', () => {
  it('loads less than 200 KB of JavaScript, gzipped, before the first page shows', () => {
    // The build is made from the current sources by the test run's global setup.
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const total = scripts.reduce((n, s) => n + s.gzipBytes, 0);
    expect(total, scripts.map((s) => `${s.src} ${s.gzipBytes}`).join('\n')).toBeLessThan(INITIAL_JS_BUDGET_BYTES);
  });
});
