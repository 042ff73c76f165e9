import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../api/db/types';
import { loadConfig } from '../../api/config';
import { sweepOverdue, sweepOverdueIfFree } from '../../api/services/problem-sweep';
import { backends } from './harness';

// Several API processes (issue 15, WANGGE_WORKERS): only on PostgreSQL, and the minutely overdue
// sweep runs in one of them at a time (advisory lock, api/services/problem-sweep.ts).

describe('WANGGE_WORKERS', () => {
  it('refuses more than one API process on the embedded database, saying why', () => {
    expect(() => loadConfig({ WANGGE_WORKERS: '2' })).toThrow(/DATABASE_URL.*one process/);
    expect(loadConfig({ WANGGE_WORKERS: '2', DATABASE_URL: 'postgres://x@localhost/db' }).workers).toBe(2);
    expect(loadConfig({}).workers).toBe(1);
    expect(() => loadConfig({ WANGGE_WORKERS: '0' })).toThrow(/WANGGE_WORKERS must be an integer between 1 and 64/);
  });
});

for (const backend of backends()) {
  // PGlite has one connection: a second "process" cannot even start a transaction while the
  // first holds one, so there is nothing to race (and WANGGE_WORKERS>1 is refused there).
  describe.skipIf(backend.name === 'pglite')(`overdue sweep across API processes (${backend.name})`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(async () => {
      await db?.close();
    });

    it('skips a round while another process sweeps, runs once it is free', async () => {
      const now = new Date('2026-03-02T09:00:00+08:00');
      let release = () => {};
      const held = new Promise<void>((ok) => (release = ok));
      let locked = () => {};
      const isLocked = new Promise<void>((ok) => (locked = ok));
      // "process A": sweeping (holds the sweep's lock until released)
      const a = db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['wangge-problem-sweep']);
        locked();
        await held;
      });
      await isLocked;
      // "process B": its timer fires meanwhile and skips at once instead of queueing
      expect(await sweepOverdueIfFree(db, now)).toBeNull();
      release();
      await a;
      expect(await sweepOverdueIfFree(db, now)).toEqual({ supervision: 0, accountability: 0 });
      // an explicit sweep (after a clock move) waits for the lock instead
      expect(await sweepOverdue(db, now)).toEqual({ supervision: 0, accountability: 0 });
    });
  });
}
