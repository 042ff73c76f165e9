import { startServers } from '../../api/server';
import { demoPreparer } from './first-start';

// `npm start` / `npm run serve`: the server with the demo city wired in. On a first start (empty
// database, WANGGE_DEMO=1) the server listens at once and seeds the demo in the background,
// answering "preparing the demo city: 40 %" meanwhile. `tsx api/server.ts` runs without the demo.
// WANGGE_WORKERS=N (PostgreSQL): N API processes, the demo prepared by the first (api/server.ts)
await startServers({ prepare: demoPreparer() });
