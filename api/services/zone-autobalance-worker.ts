import { parentPort, workerData } from 'node:worker_threads';
import { autoBalance, type AutoBalanceInput } from '../domain/zone-autobalance';

// The auto-balancer off the request thread (issue 13): services/zone-autobalance.ts starts this
// file in a worker thread with the input, gets progress messages and the result back.
const input = workerData as Omit<AutoBalanceInput, 'onProgress'>;
const result = autoBalance({
  ...input,
  onProgress: (p) => parentPort!.postMessage({ type: 'progress', ...p }),
});
parentPort!.postMessage({ type: 'result', result });
