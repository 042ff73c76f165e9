// Starts the auto-balance worker (zone-autobalance-worker.ts) in a worker thread: a worker does
// not inherit the TypeScript loader of the process that runs the API, so it registers tsx first.
import { register } from 'tsx/esm/api';

register();
await import('./zone-autobalance-worker.ts');
