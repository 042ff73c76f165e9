import type { Db, Queryable } from '../db/types';
import type { Clock } from '../domain/clock';
import type { Scope } from '../domain/scope';
import { checkGeometry, explainInvalid } from '../domain/geojson-validate';
import { AppError, type Msg } from '../errors';
import { assessmentRepository, type PointRow } from '../repositories/assessment';
import { assignmentsRepository } from '../repositories/assignments';
import type { PointCreate, PointDetail, PointGeometry, PointPatch } from '../schemas/assessment';

/** Who writes: the session user (id) and what they may see. */
export interface Writer {
  id: number;
  scope: Scope;
}

export const POINT: Msg = { zh: '该点位', en: 'inspection point' };
const bad = (field: string, reason: Msg, code = 'BadRequest', status = 400) =>
  new AppError(status, code, { zh: `${field}：${reason.zh}`, en: `${field}: ${reason.en}` }, [{ field, reason }]);

/** Shape and ranges in JS, then validity and the county in PostGIS; the anchor is ST_PointOnSurface. */
async function placeOf(q: Queryable, g: PointGeometry): Promise<{ lon: number; lat: number }> {
  if (g.type === 'Point') {
    const [x, y] = g.coordinates;
    if (x === undefined || y === undefined || Math.abs(x) > 180 || Math.abs(y) > 90)
      throw bad(
        'geometry',
        { zh: '点坐标超出经纬度范围', en: 'the point is outside lon/lat range' },
        'InvalidGeometry',
      );
  } else {
    const problem = checkGeometry(g);
    if (problem) throw bad('geometry', problem, 'InvalidGeometry');
  }
  const c = await assessmentRepository(q).checkGeometry(JSON.stringify(g));
  if (!c.valid) throw bad('geometry', explainInvalid(c.reason ?? ''), 'InvalidGeometry');
  if (!c.inside)
    throw bad(
      'geometry',
      { zh: '点位不在本县（市、区）范围内', en: 'the point lies outside the county' },
      'OutsideCounty',
    );
  return { lon: c.lon!, lat: c.lat! };
}

/**
 * Routing at write time with the existing lookup (responsibility_at through the assignments
 * repository): grid, community, street and lead unit in force at `at`. Outside every grid: the
 * deepest area containing the anchor (areas_at_point), no unit.
 */
async function routeOf(q: Queryable, lon: number, lat: number, at: Date) {
  const r = await assignmentsRepository(q).responsibility(lon, lat, at, null);
  if (r)
    return {
      gridId: r.grid.id,
      communityId: r.community.id,
      streetId: r.street.id,
      areaCode: r.grid.code,
      leadUnitId: r.leadUnit?.unitId ?? null,
      routing: r,
    };
  const areas = await assessmentRepository(q).areasAt(lon, lat);
  const at_ = (level: string) => areas.find((a) => a.level === level) ?? null;
  const deepest = at_('community') ?? at_('street') ?? at_('county')!;
  return {
    gridId: null,
    communityId: at_('community')?.id ?? null,
    streetId: at_('street')?.id ?? null,
    areaCode: deepest.code,
    leadUnitId: null,
    routing: { at: at.toISOString(), grid: null, areas },
  };
}

/** Checks and routes a point's full content; conflicts (code, the same place twice) → 409 naming the field. */
async function rowOf(tx: Queryable, input: PointCreate, except: number | null, at: Date): Promise<PointRow> {
  const repo = assessmentRepository(tx);
  if (!(await repo.typeExists(input.typeCode)))
    throw bad('typeCode', {
      zh: `点位类型「${input.typeCode}」不存在`,
      en: `point type "${input.typeCode}" does not exist`,
    });
  const { lon, lat } = await placeOf(tx, input.geometry);
  const geometry = JSON.stringify(input.geometry);
  if (await repo.codeTaken(input.code, except))
    throw bad(
      'code',
      { zh: `点位编码 ${input.code} 已存在`, en: `point code ${input.code} already exists` },
      'Conflict',
      409,
    );
  const twin = await repo.nearTwin(input.typeCode, input.name.trim(), geometry, except);
  if (twin)
    throw bad(
      'name',
      {
        zh: `10 米内已有同类型同名点位（${twin.code}）`,
        en: `a point of this type and name lies within 10 m (${twin.code})`,
      },
      'Conflict',
      409,
    );
  return {
    code: input.code,
    name: input.name.trim(),
    typeCode: input.typeCode,
    address: input.address?.trim() || null,
    geometry,
    lon,
    lat,
    ...(await routeOf(tx, lon, lat, at)),
    at,
  };
}

/** A point with its rounds and findings (each with the state of the problem it became). */
export async function pointDetail(q: Queryable, id: number, scope: Scope): Promise<PointDetail | null> {
  const repo = assessmentRepository(q);
  const p = await repo.point(id, scope);
  if (!p) return null;
  return { ...p, rounds: await repo.pointRounds(id), findings: await repo.pointFindings(id) };
}

/** Writes then reads back in the writer's scope: a point they could not see is not theirs to write (403). */
async function readBack(tx: Queryable, id: number, w: Writer): Promise<PointDetail> {
  const p = await pointDetail(tx, id, w.scope);
  if (!p)
    throw bad('geometry', { zh: '点位不在您的管辖范围内', en: 'the point lies outside your scope' }, 'OutOfScope', 403);
  return p;
}

export async function createPoint(db: Db, clock: Clock, w: Writer, input: PointCreate): Promise<PointDetail> {
  const at = clock.now();
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    await repo.lockPoints(); // two writers of the same place: the second sees the first
    const id = await repo.insertPoint(await rowOf(tx, input, null, at), w.id);
    return readBack(tx, id, w);
  });
}

export async function patchPoint(
  db: Db,
  clock: Clock,
  w: Writer,
  id: number,
  patch: PointPatch,
): Promise<PointDetail | null> {
  const at = clock.now();
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    await repo.lockPoints();
    const cur = await repo.point(id, w.scope);
    if (!cur) return null;
    const merged: PointCreate = {
      code: patch.code ?? cur.code,
      name: patch.name ?? cur.name,
      typeCode: patch.typeCode ?? cur.typeCode,
      address: patch.address !== undefined ? patch.address : cur.address,
      geometry: patch.geometry ?? (cur.geometry as PointGeometry),
    };
    await repo.updatePoint(id, await rowOf(tx, merged, id, at));
    return readBack(tx, id, w);
  });
}

/** Deleted only while no round names it (a scored point is history). */
export async function deletePoint(db: Db, w: Writer, id: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const repo = assessmentRepository(tx);
    if (!(await repo.point(id, w.scope))) return false;
    if (await repo.pointUsed(id))
      throw new AppError(
        409,
        'PointInUse',
        {
          zh: '该点位已被测评轮次使用，不能删除',
          en: 'the point is used by an assessment round and cannot be deleted',
        },
        [{ field: 'id', reason: { zh: '已有测评记录', en: 'has assessment records' } }],
      );
    await repo.deletePoint(id);
    return true;
  });
}
