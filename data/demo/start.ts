import { startServer } from '../../api/server';
import { demoPreparer } from './first-start';

// `npm start` / `npm run serve`: the server with the demo city wired in. On a first start (empty
// database, WANGGE_DEMO=1) the server listens at once and seeds the demo in the background,
// answering "preparing the demo city: 40 %" meanwhile. `tsx api/server.ts` runs without the demo.
await startServer({ prepare: demoPreparer() });
