import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);
/** text assets worth compressing; images and fonts are compressed already */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|wasm)$/;
const MIN_BYTES = 1024;

/**
 * Writes `.br` and `.gz` next to every compressible file of the build, once, at build time, so
 * the API serves them with @fastify/static's `preCompressed` (no compression per request). The
 * field workspace's cold start on Slow 4G sent 1.5 MB of uncompressed JavaScript (issue 14
 * bench, docs/FIELD.md); compressed it is about a quarter of that.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'wangge-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      for (const file of await walk(outDir)) {
        if (!COMPRESSIBLE.test(file)) continue;
        const body = await readFile(file);
        if (body.byteLength < MIN_BYTES) continue;
        const [br, gzBody] = await Promise.all([
          brotli(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength },
          }),
          gz(body, { level: 9 }),
        ]);
        await Promise.all([writeFile(file + '.br', br), writeFile(file + '.gz', gzBody)]);
      }
    },
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if ((await stat(path)).isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}
