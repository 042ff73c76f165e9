import type { Db, Queryable } from '../db/types';
import { AppError } from '../errors';
import { ROLE_NAMES, type Role } from '../auth/roles';
import type { Clock } from '../domain/clock';
import type { ProblemState } from '../domain/problem-machine';
import { assignmentsRepository } from '../repositories/assignments';
import { problemsRepository, type DetailRow } from '../repositories/problems';
import type { ReportCategory, WrittenReport } from '../repositories/problem-writes';
import type { ProblemDetail, ProblemSource, Routing } from '../schemas/problems';
import { attachPhotos, checkPhotos, decodePhotos, type PhotoInput } from './photos';
import { detailOf, unitOf, type ProblemActor } from './problem-views';
import { bad, checkDuplicateTarget, type WriteOptions } from './problems-common';

// Reporting a problem: routed at the clock's now, recorded with its first event and
// before-photos in one transaction, answered with what it wrote (docs/ARCHITECTURE.md "Performance").

export interface ReportInput {
  lon: number;
  lat: number;
  categoryId: number;
  source: ProblemSource;
  description: string;
  address?: string | null;
  photos?: PhotoInput[];
  urgent?: boolean;
  duplicateOf?: number | null;
}

// 暗访 results come from media and inspectors, recorded by the supervision side only: units
// and grid staff must not be able to file (and so learn of) what is hidden from them.
const UNDERCOVER_REPORTERS: readonly Role[] = ['supervisor', 'commander', 'admin'];

interface Place {
  gridId: number | null;
  communityId: number | null;
  streetId: number | null;
  areaCode: string | null;
  streetCode: string | null;
  leaderPersonId: number | null;
  leadUnitId: number | null;
  routing: Routing;
}

/**
 * Routing at write time (DESIGN.md): the grid, community, street, leader and units in force at
 * `at` are stored with the problem. Outside every grid: the deepest area containing the point
 * and that community's units, flagged (outside_grid) as a coverage gap. Null: outside the county.
 */
async function route(tx: Queryable, lon: number, lat: number, at: Date): Promise<Place | null> {
  // the usual case first: one lookup (a grid lies inside the county, checked at its import)
  const r = await assignmentsRepository(tx).responsibility(lon, lat, at, null);
  if (r) {
    return {
      gridId: r.grid.id,
      communityId: r.community.id,
      streetId: r.street.id,
      areaCode: r.grid.code,
      streetCode: r.street.code,
      leaderPersonId: r.leader?.personId ?? null,
      leadUnitId: r.leadUnit?.unitId ?? null,
      routing: r,
    };
  }
  const repo = problemsRepository(tx);
  const areas = await repo.areasAt(lon, lat);
  if (!areas.some((a) => a.level === 'county')) return null;
  const ref = (level: string) => {
    const a = areas.find((x) => x.level === level);
    return a ? { id: a.id, code: a.code, name: a.name } : null;
  };
  const community = ref('community');
  const street = ref('street');
  const communityUnits = community ? await repo.areaUnits(community.id, at) : [];
  const deepest = community ?? street ?? ref('county');
  return {
    gridId: null,
    communityId: community?.id ?? null,
    streetId: street?.id ?? null,
    areaCode: deepest?.code ?? null,
    streetCode: street?.code ?? null,
    leaderPersonId: null,
    leadUnitId: null,
    routing: {
      at: at.toISOString(),
      grid: null,
      community,
      street,
      leader: null,
      members: [],
      leadUnit: null,
      supportUnits: [],
      communityUnits,
    },
  };
}

/** Records a problem, routed at the clock's now, with its before-photos: all or nothing. */
export async function reportProblem(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  input: ReportInput,
  options: WriteOptions = {},
): Promise<ProblemDetail> {
  const r = await recordProblem(db, clock, actor, input, options);
  // Answered with what the transaction wrote (issue 15), no read-back: the reporter sees what
  // they filed, even outside their own scope (its routing cut to what their scope may read: no
  // contacts of another street's grid), as GET /api/problems/:id would show it to them.
  const { written: w, category: c, photoIds } = r;
  const row: DetailRow = {
    ...w,
    categoryCode: c.categoryCode,
    categoryName: c.categoryName,
    categoryNameEn: c.categoryNameEn,
    gridName: r.routing.grid?.name ?? null,
    gridCode: r.routing.grid?.code ?? null,
    communityName: r.routing.community?.name ?? null,
    streetName: r.routing.street?.name ?? null,
    assigneeUnitName: null, // a report is assigned to nobody yet
    leadUnitName: r.routing.leadUnit?.name ?? null,
    routing: r.routing,
    deadlineHours: c.deadlineHours,
    workingDays: c.workingDays,
    revisitDays: c.revisitDays,
  };
  const event = {
    id: w.eventId,
    seq: 1,
    action: 'report',
    fromState: null,
    toState: w.state,
    actorId: actor.id,
    actorName: actor.displayName,
    actorRole: actor.role,
    actorUnitId: r.actorUnitId,
    at: r.now,
    comment: null,
    data: r.eventData,
  };
  const photos = photoIds.map((id) => ({ id, eventId: w.eventId, kind: 'before' as const }));
  const viewer = { scope: null, role: actor.role, unitId: r.actorUnitId };
  // a new problem has no notices yet
  return detailOf({ row, events: [event], photos, notices: [] }, viewer, r.now, actor.scope);
}

/** What a report wrote, for callers that need no more (the demo seed records thousands). */
export interface RecordResult {
  id: number;
  routing: Routing;
  streetId: number | null;
  actorUnitId: number | null;
  now: Date;
  /** the row as the insert returned it, the category it names, the event's data and photos */
  written: WrittenReport;
  category: ReportCategory;
  eventData: Record<string, unknown>;
  photoIds: number[];
}

/**
 * What a report needs from the database before it is written: a leaf category in use, a place
 * inside the county (routed at `now`) and an open duplicate target. Cheap (a few indexed reads):
 * run before photos are decoded, and again inside the transaction that writes.
 */
async function checkReport(
  q: Queryable,
  actor: ProblemActor,
  input: ReportInput,
  now: Date,
): Promise<{ place: Place; category: ReportCategory }> {
  const cat = await problemsRepository(q).reportCategory(input.categoryId);
  if (!cat || cat.level !== 3 || !cat.active) {
    throw bad(
      'categoryId',
      !cat
        ? { zh: `类别 ${input.categoryId} 不存在`, en: `category ${input.categoryId} does not exist` }
        : cat.level !== 3
          ? { zh: '请选择最细一级的类别（细类）', en: 'choose a leaf category (细类), not a group' }
          : { zh: '该类别已停用', en: 'this category is no longer in use' },
    );
  }
  const place = await route(q, input.lon, input.lat, now);
  if (!place) {
    const reason = { zh: '该位置不在本县（市、区）范围内', en: 'the point lies outside the county' };
    throw new AppError(
      400,
      'OutsideCounty',
      {
        zh: `位置（lon/lat）${input.lon}, ${input.lat} 不在辖区内`,
        en: `location (lon/lat) ${input.lon}, ${input.lat} is outside the county`,
      },
      [
        { field: 'lon', reason },
        { field: 'lat', reason },
      ],
    );
  }
  if (input.duplicateOf) await checkDuplicateTarget(q, input.duplicateOf, null, actor);
  return { place, category: cat };
}

/** reportProblem without reading the problem back. */
export async function recordProblem(
  db: Db,
  clock: Clock,
  actor: ProblemActor,
  input: ReportInput,
  options: WriteOptions = {},
): Promise<RecordResult> {
  const description = input.description.trim();
  if (!description) throw bad('description', { zh: '问题描述不能为空', en: 'must not be blank' });
  if (input.source === 'undercover' && !UNDERCOVER_REPORTERS.includes(actor.role)) {
    throw new AppError(
      403,
      'Forbidden',
      {
        zh: `${ROLE_NAMES[actor.role].zh}不能登记暗访问题（source）`,
        en: `a ${ROLE_NAMES[actor.role].en} may not record undercover problems (source)`,
      },
      [
        {
          field: 'source',
          reason: {
            zh: '暗访问题由督查组、指挥中心登记',
            en: 'undercover problems are recorded by supervisors and the command center',
          },
        },
      ],
    );
  }
  // Cheap checks before any pixel is decoded (ISSUES #10 finding 7): the photos' headers, then
  // category, place and duplicate target. Decoding (~0.1–2 s a photo) only for a report that
  // will be recorded, and outside the transaction so it holds no lock; the transaction checks
  // again, so what is written is what was true when it was written.
  const checked = options.prepared ? [] : await checkPhotos(input.photos ?? []);
  const now = clock.now();
  const unitId = await unitOf(db, actor);
  if (checked.length) await checkReport(db, actor, input, now);
  const photos = options.prepared ?? (await decodePhotos(checked));
  return db.transaction(async (tx): Promise<RecordResult> => {
    const { place, category } = await checkReport(tx, actor, input, now);
    const state: ProblemState = input.duplicateOf ? 'duplicate' : 'reported';
    const urgent = input.urgent ?? false;
    const eventData = {
      source: input.source,
      urgent,
      outsideGrid: place.gridId === null,
      ...(input.duplicateOf ? { duplicateOf: input.duplicateOf } : {}),
    };
    // the problem and its first event in one statement (repositories/problem-writes.ts)
    const written = await problemsRepository(tx).insertReport(
      {
        ...place,
        categoryId: input.categoryId,
        source: input.source,
        description,
        address: input.address?.trim() || null,
        lon: input.lon,
        lat: input.lat,
        reportedBy: actor.id,
        reportedAt: now,
        state,
        urgent,
        duplicateOf: input.duplicateOf ?? null,
      },
      { id: actor.id, name: actor.displayName, role: actor.role, unitId },
      eventData,
    );
    const photoIds = await attachPhotos(tx, written.id, written.eventId, 'before', photos, actor.id, now);
    await options.audit?.(tx);
    return {
      id: written.id,
      routing: place.routing,
      streetId: place.streetId,
      actorUnitId: unitId,
      now,
      written,
      category,
      eventData,
      photoIds,
    };
  });
}
