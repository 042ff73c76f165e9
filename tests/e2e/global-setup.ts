import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildWeb, hasChromium, startServer } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    /** a data folder with the migrated, seeded demo city, copied by each e2e file's server */
    e2eTemplate: string | null;
  }
}

/**
 * Once per e2e run: builds the web app and starts the server once on a fresh embedded database,
 * so that PostGIS is unpacked, the migrations applied and the demo city seeded a single time.
 * The server stops cleanly and its folder becomes the template each file's server starts from
 * (a copy: seconds instead of a cold first start per file). The demo is seeded at the fixed e2e
 * clock (harness.ts), so every copy holds the same city.
 */
export default async function setup(project: TestProject) {
  if (!hasChromium() && process.env.WANGGE_E2E_REQUIRED !== '1') {
    project.provide('e2eTemplate', null);
    return;
  }
  buildWeb();
  const dir = mkdtempSync(join(tmpdir(), 'wangge-e2e-template-'));
  const server = await startServer(300_000, {}, { dataDir: dir, keep: true });
  await server.stop();
  project.provide('e2eTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
