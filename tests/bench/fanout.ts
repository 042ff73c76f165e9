/**
 * Live-event fan-out (issue 12): STREAMS server-sent event streams (default 200) on native
 * PostgreSQL — commanders, two street supervisors and city-wide display sessions — then reports,
 * one at a time; every in-scope stream must get each report, the other street's streams none.
 * Delivery latency = the message's arrival − the event's time (the app clock as the report ran,
 * just before its commit; ms resolution), p50 and p99 over every (stream, report) pair; server memory per connection = RSS and heap growth
 * with the streams open ÷ streams (the client's side of each stream is in the same process: an
 * upper bound for the server's). Floor: a bare NOTIFY → LISTEN round trip on the same server.
 *
 *   import { fanoutBench } from './fanout';  await fanoutBench(url, row);   (tests/bench/run.ts)
 *
 * or on its own: BENCH_DATABASE_URL=postgres://… npx tsx tests/bench/fanout.ts
 * (FANOUT_DB names the database it creates, default wangge_bench_fanout; BENCH_STREAMS, BENCH_REPORTS).
 * Client and server share the process and the machine's cores.
 */
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { freshDatabase } from './fresh-db';
import { migrate } from '../../api/db/migrate';
import { buildApp } from '../../api/app';
import { hashPassword } from '../../api/auth/passwords';
import { setScope } from '../../api/services/users';
import { seedDemo } from '../../data/demo/seed';
import { median } from './tiles';

type Row = (...cells: (string | number)[]) => void;
const ms = (x: number) => x.toFixed(2);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};
const PASSWORD = 'bench-fanout-2026';

interface Stream {
  scope: 'city' | 'A' | 'B';
  got: Map<number, number>;
  abort: AbortController;
}

function openStream(base: string, cookie: string, scope: Stream['scope']): Promise<Stream> {
  const s: Stream = { scope, got: new Map(), abort: new AbortController() };
  return new Promise((ready, fail) => {
    void fetch(`${base}/api/events`, { headers: { cookie }, signal: s.abort.signal })
      .then(async (res) => {
        if (res.status !== 200) return fail(new Error(`stream answered ${res.status}`));
        const dec = new TextDecoder();
        let buf = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buf += dec.decode(chunk, { stream: true });
          let cut;
          while ((cut = buf.indexOf('\n\n')) >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            if (block.includes('event: ready')) ready(s);
            if (!block.includes('event: problem')) continue;
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            const e = data ? (JSON.parse(data.slice(6)) as { problemId: number; at: string }) : null;
            // from the event's time (the app clock when the report ran, just before its commit)
            if (e && !s.got.has(e.problemId)) s.got.set(e.problemId, Date.now() - Date.parse(e.at));
          }
        }
      })
      .catch((e: unknown) => {
        if ((e as { name?: string }).name !== 'AbortError') fail(e as Error);
      });
  });
}

/** NOTIFY → LISTEN on the same server, the floor of any delivery. */
async function notifyFloor(url: string, n = 50): Promise<number[]> {
  const listener = new pg.Client({ connectionString: url });
  const sender = new pg.Client({ connectionString: url });
  await listener.connect();
  await sender.connect();
  await listener.query('LISTEN bench_fanout_floor');
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const got = new Promise<number>((ok) => listener.once('notification', () => ok(performance.now())));
    const t = performance.now();
    await sender.query(`NOTIFY bench_fanout_floor, '${i}'`);
    out.push((await got) - t);
  }
  await listener.end();
  await sender.end();
  return out;
}

export async function fanoutBench(url: string, row: Row): Promise<void> {
  const STREAMS = Number(process.env.BENCH_STREAMS ?? 200);
  const REPORTS = Number(process.env.BENCH_REPORTS ?? 20);
  const name = process.env.FANOUT_DB ?? 'wangge_bench_fanout';
  const db = await freshDatabase(url, name);
  const u = new URL(url);
  u.pathname = `/${name}`;
  await migrate(db);
  await seedDemo(db, { grids: 400 });
  const { rows: streets } = await db.query<{ code: string }>(
    `SELECT code FROM areas WHERE level = 'street' ORDER BY code LIMIT 2`,
  );
  const [A, B] = [streets[0]!.code, streets[1]!.code];
  const hash = await hashPassword(PASSWORD);
  const users: Record<string, number> = {};
  for (const [username, role, scope] of [
    ['fan-cmd', 'commander', []],
    ['fan-sup-a', 'supervisor', [A]],
    ['fan-sup-b', 'supervisor', [B]],
  ] as const) {
    users[username] = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $1, $2, $3) RETURNING id`,
        [username, role, hash],
      );
      await setScope(tx, rows[0]!.id, role, [...scope]);
      return rows[0]!.id;
    });
  }
  await db.query(
    `INSERT INTO users (username, display_name, role, password_hash) VALUES ('fan-admin', 'fan-admin', 'admin', $1)`,
    [hash],
  );
  const app = await buildApp({
    db,
    loginRateLimit: 1000,
    events: { connectsPerMinute: 100_000, heartbeatMs: 15_000, sessionCheckMs: 30_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = async (username: string) => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
    return {
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0]!,
      csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
    };
  };
  const cmd = await login('fan-cmd');
  const supA = await login('fan-sup-a');
  const supB = await login('fan-sup-b');
  const adminS = await login('fan-admin');
  const issued = await fetch(`${base}/api/display-tokens`, {
    method: 'POST',
    headers: { cookie: adminS.cookie, 'x-csrf-token': adminS.csrf, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench wall', cityWide: true, scopeCodes: [] }),
  });
  const { token } = (await issued.json()) as { token: string };
  const wall = await fetch(`${base}/api/display/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const wallCookie = (wall.headers.get('set-cookie') ?? '').split(';')[0]!;

  const { rows: cats } = await db.query<{ id: number }>(
    `SELECT id FROM problem_categories WHERE level = 3 AND active ORDER BY code LIMIT 1`,
  );
  const { rows: points } = await db.query<{ lon: number; lat: number }>(
    `SELECT ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM areas WHERE level = 'grid' AND code LIKE $1 || '%' ORDER BY code LIMIT $2`,
    [A, REPORTS],
  );

  globalThis.gc?.();
  const before = process.memoryUsage();
  const kinds: [Stream['scope'], string][] = [
    ['city', cmd.cookie],
    ['A', supA.cookie],
    ['B', supB.cookie],
    ['city', wallCookie],
  ];
  const streams: Stream[] = [];
  for (let i = 0; i < STREAMS; i++) {
    const [scope, cookie] = kinds[i % kinds.length]!;
    streams.push(await openStream(base, cookie, scope));
  }
  globalThis.gc?.();
  const after = process.memoryUsage();

  const latencies: number[] = [];
  let missing = 0;
  let leaked = 0;
  for (let r = 0; r < REPORTS; r++) {
    const p = points[r % points.length]!;
    const res = await fetch(`${base}/api/problems`, {
      method: 'POST',
      headers: { cookie: supA.cookie, 'x-csrf-token': supA.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        lon: p.lon,
        lat: p.lat,
        categoryId: cats[0]!.id,
        source: 'patrol',
        description: `fan-out ${r}`,
      }),
    });
    if (res.status !== 201) throw new Error(`report answered ${res.status}: ${await res.text()}`);
    const { id } = (await res.json()) as { id: number };
    const inScope = streams.filter((s) => s.scope !== 'B');
    const until = performance.now() + 5000;
    while (inScope.some((s) => !s.got.has(id)) && performance.now() < until)
      await new Promise((ok) => setTimeout(ok, 5));
    await new Promise((ok) => setTimeout(ok, 50)); // give out-of-scope streams a chance to (wrongly) get it
    for (const s of streams) {
      const at = s.got.get(id);
      if (s.scope === 'B') leaked += at === undefined ? 0 : 1;
      else if (at === undefined) missing++;
      else latencies.push(at);
    }
  }
  const floor = await notifyFloor(u.toString());
  for (const s of streams) s.abort.abort();
  await app.close();
  await db.close();

  const perConn = (k: 'rss' | 'heapUsed') => ((after[k] - before[k]) / STREAMS / 1024).toFixed(1);
  row(
    `live fan-out: ${REPORTS} reports → ${STREAMS} SSE streams (native; ¾ in scope) p50 / p99 delivery from the event's time`,
    ms(median(latencies)),
    `${ms(pct(latencies, 99))} (p99)`,
    `${ms(median(floor))} (NOTIFY→LISTEN)`,
    (median(latencies) / median(floor)).toFixed(1) + '×',
    `missed ${missing}, leaked ${leaked}`,
  );
  row(
    `  memory per open stream, server and its client in one process (an upper bound for the server): RSS ${perConn('rss')} KB, JS heap ${perConn('heapUsed')} KB`,
    '',
    '',
    '',
    '',
    '',
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const url = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL + PostGIS server');
  const rows: string[][] = [];
  await fanoutBench(url, (...cells) => rows.push(cells.map(String)));
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
