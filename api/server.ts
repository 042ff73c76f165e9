import { loadConfig } from './config';
import { openDb } from './db/open';
import { migrate } from './db/migrate';
import { buildApp } from './app';
import { appClock } from './domain/clock';
import { sweepOverdue } from './services/problem-sweep';
import { formatAccounts, seedDemoAccountsIfNone, seedDemoIfEmpty, seedDemoProblemsIfNone } from '../data/demo/seed';

// Process entry: config → database → migrations → demo city (first start) → listen.
const started = performance.now();
const config = loadConfig();
const db = await openDb(config);
// One clock for the process: the demo is seeded at its "now" and the app runs on it.
const clock = appClock({ start: config.clockStart, controllable: config.controllableClock });
if (config.clockStart) console.log(`WANGGE_CLOCK_START: the app clock started at ${config.clockStart.toISOString()}`);
await migrate(db);
if (config.demo) {
  const seeded = await seedDemoIfEmpty(db, { grids: config.demoGrids, now: clock.now() });
  if (seeded) {
    console.log(`Seeded the demo city: ${seeded.grids} grids in ${seeded.communities} communities, ${seeded.streets} streets`);
    if (seeded.accounts.length) console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(seeded.accounts)}`);
    // its problems through the services, as users would have made them over 90 days
    if (config.demoProblems > 0) console.log(`Seeding ${config.demoProblems} demo problems through the services (WANGGE_DEMO_PROBLEMS; 0 for none)…`);
    const problems = await seedDemoProblemsIfNone(db, {
      count: config.demoProblems,
      now: clock.now(),
      onProgress: (done, total) => { if (done % 5000 === 0) console.log(`  ${done} / ${total} steps`); },
    });
    if (problems) {
      const states = Object.entries(problems.states).map(([k, n]) => `${k} ${n}`).join(', ');
      console.log(`Seeded ${problems.problems} demo problems (${states}; ${problems.notices.supervision + problems.notices.accountability} notices) in ${(problems.ms / 1000).toFixed(1)} s`);
    }
  } else {
    const accounts = await seedDemoAccountsIfNone(db);
    if (accounts.length) console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(accounts)}`);
  }
}
// WANGGE_CONTROLLABLE_CLOCK=1 (tests, e2e only): POST /api/dev/clock moves the app clock
const controllableClock = config.controllableClock;
const app = await buildApp({ db, logger: { level: config.logLevel }, webRoot: config.webRoot, secureCookies: config.secureCookies, loginRateLimit: config.loginRateLimit, controllableClock, clock });
if (controllableClock) console.log('WANGGE_CONTROLLABLE_CLOCK=1: the app clock can be moved (POST /api/dev/clock); never in production');
// Overdue problems raise their notices within a minute of their deadline (docs/PROBLEMS.md).
const sweep = () => sweepOverdue(db, app.clock.now()).catch((err: unknown) => app.log.error({ err }, 'overdue sweep failed'));
await sweep();
const sweepTimer = setInterval(() => void sweep(), 60_000);
sweepTimer.unref();
await app.listen({ host: config.host, port: config.port });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : config.port;
console.log(
  `Wangge listening on http://${config.host}:${port} ` +
    `(${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL'}, ready in ${Math.round(performance.now() - started)} ms)`,
);

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: shutting down`);
  clearInterval(sweepTimer);
  await app.close();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
