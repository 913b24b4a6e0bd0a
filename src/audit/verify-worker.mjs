// Worker thread entry for the parallel audit verify (src/audit/verify-range.ts). Node 20 runs worker threads
// without the TypeScript loader of the thread that starts them, so this plain module registers tsx first.
import { register } from 'tsx/esm/api';

register();
await import('./verify-range.ts');
