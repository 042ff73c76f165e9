import { loadConfig } from './config';
import { openDb } from './db/open';
import { migrate } from './db/migrate';
import { buildApp } from './app';
import { formatAccounts, seedDemoAccountsIfNone, seedDemoIfEmpty } from '../data/demo/seed';

// Process entry: config → database → migrations → demo city (first start) → listen.
const started = performance.now();
const config = loadConfig();
const db = await openDb(config);
await migrate(db);
if (config.demo) {
  const seeded = await seedDemoIfEmpty(db, { grids: config.demoGrids });
  if (seeded) {
    console.log(`Seeded the demo city: ${seeded.grids} grids in ${seeded.communities} communities, ${seeded.streets} streets`);
    if (seeded.accounts.length) console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(seeded.accounts)}`);
  } else {
    const accounts = await seedDemoAccountsIfNone(db);
    if (accounts.length) console.log(`Demo accounts (username, password, role, name, scope):\n${formatAccounts(accounts)}`);
  }
}
const app = await buildApp({ db, logger: { level: config.logLevel }, webRoot: config.webRoot, secureCookies: config.secureCookies, loginRateLimit: config.loginRateLimit });
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
  await app.close();
  await db.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
