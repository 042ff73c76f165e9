import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

export interface FirstStart {
  /** seconds from the spawn of `npm run serve` until the server answered anything (its port known) */
  answeredS: number;
  /** seconds until /api/health said `ok` (the demo seeded, every route serving) */
  readyS: number;
  /** the `preparing` progress values seen on the way */
  progress: number[];
}

/**
 * The first start as a user meets it: `npm run serve` on a fresh, empty data folder (PGlite),
 * timed until /api/health answers `status: 'ok'`. The port comes from the "listening on" line;
 * health is then polled every 100 ms. The whole process group is stopped afterwards.
 */
export async function timeFirstStart(env: Record<string, string> = {}, timeoutMs = 600_000): Promise<FirstStart> {
  const dir = await mkdtemp(join(tmpdir(), 'wangge-first-start-'));
  const t0 = performance.now();
  const child = spawn('npm', ['run', 'serve', '--silent'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: '', PORT: '0', HOST: '127.0.0.1', WANGGE_DATA_DIR: dir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // npm → tsx → node: stop the whole group
  });
  let output = '';
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  try {
    const url = await new Promise<string>((ok, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no "listening on" line after ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m?.[1]) {
          clearTimeout(timer);
          ok(m[1]);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited (${code}):\n${output}`));
      });
    });
    let answeredS: number | null = null;
    const progress: number[] = [];
    for (;;) {
      if (performance.now() - t0 > timeoutMs) throw new Error(`health not ok after ${timeoutMs} ms:\n${output}`);
      const body = await fetch(`${url}/api/health`).then(
        (r) => r.json() as Promise<{ status: string; progress?: number }>,
        () => null,
      );
      if (body) {
        answeredS ??= (performance.now() - t0) / 1000;
        if (body.status === 'ok') return { answeredS, readyS: (performance.now() - t0) / 1000, progress };
        if (typeof body.progress === 'number' && progress[progress.length - 1] !== body.progress)
          progress.push(body.progress);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    stop();
    if (child.exitCode === null) await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    await rm(dir, { recursive: true, force: true });
  }
}

// `npx tsx tests/bench/first-start.ts`: one measurement, printed
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await timeFirstStart();
  console.log(
    `first start: answering after ${r.answeredS.toFixed(1)} s, health ok after ${r.readyS.toFixed(1)} s (progress seen: ${r.progress.join(', ') || 'none'})`,
  );
}
