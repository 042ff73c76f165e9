import { Worker } from 'node:worker_threads';
import type { Db } from '../db/types';
import { AppError, notFound } from '../errors';
import type { AutoBalanceInput, AutoBalanceResult } from '../domain/zone-autobalance';
import { gridValues, type Weights } from '../domain/zone-balance';
import { zoneDraftsRepository } from '../repositories/zone-drafts';
import type { ZoneAutoBalance, ZoneChange, ZoneDraft } from '../schemas/zones';
import { gridStats, leadsAfter } from './zone-draft-balance';
import type { Author } from './zone-draft-rules';
import { createDraft } from './zone-drafts';

// Auto-balance of a draft (issue 13, docs/ZONES.md "Auto-balance"): the input is read here, the
// algorithm (api/domain/zone-autobalance.ts) runs in a worker thread so the API keeps answering,
// progress comes back as messages and the result becomes a new draft.

export type Progress = { phase: 'grow' | 'swap'; done: number; total: number; index: number };
export interface AutoBalanceJob {
  input: Omit<AutoBalanceInput, 'onProgress'>;
  run: (
    onProgress: (p: Progress) => void,
  ) => Promise<{ draft: ZoneDraft; result: Omit<AutoBalanceResult, 'assignment'> }>;
}

/** Jobs running in this process; more wait for none, they are refused (429). */
const MAX_JOBS = 2;
let running = 0;

/** Runs the balancer in a worker thread; rejects if the worker fails. */
export function runInWorker(
  input: Omit<AutoBalanceInput, 'onProgress'>,
  onProgress: (p: Progress) => void = () => {},
): Promise<AutoBalanceResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./zone-autobalance-boot.mjs', import.meta.url), { workerData: input });
    let done = false;
    worker.on('message', (m: { type: 'progress' | 'result'; result?: AutoBalanceResult } & Progress) => {
      if (m.type === 'progress') onProgress({ phase: m.phase, done: m.done, total: m.total, index: m.index });
      else {
        done = true;
        resolve(m.result!);
        void worker.terminate();
      }
    });
    worker.on('error', (e) => reject(e));
    worker.on('exit', (code) => {
      if (!done) reject(new Error(`auto-balance worker exited with ${code}`));
    });
  });
}

/**
 * Reads what the balancer needs (throws 4xx before anything runs): the draft's zones (its base
 * plus its changes), the units to balance among (default: every unit leading a grid there), the
 * locks and the weighted variable. The job's run() balances in a worker and saves a new draft.
 */
export async function prepareAutoBalance(
  db: Db,
  id: number,
  body: ZoneAutoBalance,
  author: Author,
  now: Date,
): Promise<AutoBalanceJob> {
  const repo = zoneDraftsRepository(db);
  const d = await repo.byId(id);
  if (!d) throw notFound({ zh: '该调整方案', en: 'draft' });
  const baseAt = new Date(d.baseAt);
  const { geo, stats } = await gridStats(db, now, null);
  const before = await repo.leads(baseAt, null);
  const current = leadsAfter(before, d.changes);
  let units = body.unitIds ?? [...new Set(current.values())];
  if (body.unitIds) {
    const known = await repo.units(body.unitIds);
    const missing = body.unitIds.map((u, i) => ({ u, i })).filter(({ u }) => !known.has(u));
    if (missing.length)
      throw new AppError(
        422,
        'UnknownUnit',
        { zh: `单位 ${missing[0]!.u} 不存在`, en: `unit ${missing[0]!.u} does not exist` },
        missing.map(({ u, i }) => ({
          field: `unitIds[${i}]`,
          reason: { zh: `单位 ${u} 不存在`, en: `unit ${u} does not exist` },
        })),
      );
  }
  units = [...new Set(units)].sort((a, b) => a - b);
  const unitSet = new Set(units);
  const values = gridValues(stats, d.weights as Weights);
  const grids = stats
    .filter((s) => unitSet.has(current.get(s.id) ?? -1))
    .map((s) => ({ id: s.id, value: values.get(s.id) ?? 0, x: geo.shapes.get(s.id)!.x, y: geo.shapes.get(s.id)!.y }));
  if (units.length < 2 || grids.length < 2)
    throw new AppError(
      422,
      'NothingToBalance',
      { zh: '至少需要两个单位和两个网格才能均衡', en: 'balancing needs at least two units and two grids' },
      [{ field: 'unitIds', reason: { zh: '单位或网格不足', en: 'too few units or grids' } }],
    );
  const seed = body.seed ?? 1;
  const input: Omit<AutoBalanceInput, 'onProgress'> = {
    grids,
    nb: geo.nb,
    units,
    current: new Map(grids.map((g) => [g.id, current.get(g.id)!])),
    lockedGrids: new Set(d.locks.grids),
    lockedUnits: new Set(d.locks.units),
    seed,
    maxPasses: body.passes ?? 100,
  };
  return {
    input,
    async run(onProgress) {
      if (running >= MAX_JOBS)
        throw new AppError(429, 'Busy', {
          zh: '已有自动均衡在运行，请稍后再试',
          en: 'auto-balance jobs are running already; try again shortly',
        });
      running++;
      try {
        const result = await runInWorker(input, onProgress);
        // the new draft: the old one's changes with every lead the balancer decided
        const byArea = new Map<number, ZoneChange>(d.changes.map((c) => [c.areaId, { ...c }]));
        for (const [g, u] of result.assignment) {
          const c = byArea.get(g) ?? { areaId: g };
          if (before.get(g) === u) delete c.lead;
          else c.lead = u;
          byArea.set(g, c);
        }
        const changes = [...byArea.values()].filter(
          (c) => c.lead !== undefined || c.supportAdd?.length || c.supportRemove?.length || c.leader !== undefined,
        );
        const draft = await createDraft(
          db,
          author,
          {
            name: `${d.name} · 自动均衡`.slice(0, 100),
            notes: `自动均衡（种子 ${seed}）：均衡指数 ${result.indexBefore.toFixed(1)} → ${result.indexAfter.toFixed(1)}，${result.moves} 次边界调整`,
            changes,
            locks: d.locks,
            weights: d.weights,
          },
          now,
          null,
          baseAt,
        );
        const { assignment: _a, ...figures } = result;
        return { draft, result: figures };
      } finally {
        running--;
      }
    },
  };
}
