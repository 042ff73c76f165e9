import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** ../shared/data beside the project: present for developers and CI, never copied into the repo. */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const hasSharedData = existsSync(`${SHARED_DATA}changshan-330822/townships.geojson`);
export const SKIP_REASON = `needs the real geodata in ${SHARED_DATA} (../shared/data), which is absent here`;

export const readShared = (path: string): unknown =>
  JSON.parse(readFileSync(SHARED_DATA + path, 'utf8').replace(/^\uFEFF/, ''));
