/**
 * What the browser benches share (tests/bench/field-cold.ts, tests/bench/wall-paint.ts): the demo
 * server as a user starts it (`data/demo/start.ts`, PGlite, a fresh folder) serving a built bundle,
 * and that bundle, built once when it is not there.
 */
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface Started {
  url: string;
  stop(): Promise<void>;
}

/** The demo server on a fresh PGlite folder serving `webRoot`, ready when health says ok. */
export async function startDemo(webRoot: string, tag: string): Promise<Started> {
  const dir = await mkdtemp(join(tmpdir(), `wangge-${tag}-bench-`));
  const child = spawn(process.execPath, ['--import', 'tsx', 'data/demo/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: '0',
      HOST: '127.0.0.1',
      WANGGE_DATA_DIR: dir,
      WANGGE_WEB_ROOT: webRoot,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((ok, fail) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m?.[1]) ok(m[1]);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => fail(new Error(`server exited (${code}):\n${output}`)));
    });
    for (const t0 = Date.now(); ;) {
      const body = await fetch(`${url}/api/health`).then(
        (r) => r.json() as Promise<{ status: string }>,
        () => null,
      );
      if (body?.status === 'ok') return { url, stop };
      if (Date.now() - t0 > 600_000) throw new Error(`health not ok:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
}

/** dist/web (or WANGGE_BENCH_DIST), built when it is not there. */
export function builtWeb(): string {
  const dir = resolve(ROOT, process.env.WANGGE_BENCH_DIST || join('dist', 'web'));
  if (!existsSync(join(dir, 'index.html')))
    execSync(`npx vite build --logLevel warn --outDir ${JSON.stringify(dir)} --emptyOutDir`, {
      cwd: ROOT,
      stdio: 'inherit',
    });
  return dir;
}
