/** Tiles around the city at a zoom: every tile that touches the bbox, capped by a stride. */
export function tilesCovering(
  bbox: [number, number, number, number],
  z: number,
  max: number,
): [number, number, number][] {
  const n = 2 ** z;
  const tx = (lon: number) => Math.floor(((lon + 180) / 360) * n);
  const ty = (lat: number) => {
    const r = (lat * Math.PI) / 180;
    return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  };
  const all: [number, number, number][] = [];
  for (let x = tx(bbox[0]); x <= tx(bbox[2]); x++) for (let y = ty(bbox[3]); y <= ty(bbox[1]); y++) all.push([z, x, y]);
  if (all.length <= max) return all;
  const stride = all.length / max;
  return Array.from({ length: max }, (_, i) => all[Math.floor(i * stride)]!);
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
export const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

/** A bench account and its session cookie on a listening server (requests need a session). */
export async function benchSession(
  db: { query: (sql: string, params?: unknown[]) => Promise<unknown> },
  base: string,
  hash: string,
): Promise<string> {
  await db.query(
    `INSERT INTO users (username, display_name, role, password_hash) VALUES ('bench', 'bench', 'planner', $1) ON CONFLICT DO NOTHING`,
    [hash],
  );
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench', password: 'bench-pass-2026' }),
  });
  if (login.status !== 200) throw new Error(`bench login answered ${login.status}`);
  return (login.headers.get('set-cookie') ?? '').split(';')[0]!;
}
