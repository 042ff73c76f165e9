import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { AppError, notFound } from '../errors';
import { normalizePhone, PHONE_RULE } from '../domain/phone';
import { ErrorBody } from '../schemas/common';
import {
  Instant,
  Person,
  PersonCreate,
  PersonPatch,
  Unit,
  UnitCreate,
  UnitGrids,
  UnitPatch,
} from '../schemas/contracting';
import { insertPerson, insertUnit, updatePerson, updateUnit } from '../repositories/contracting';
import { atOf, scopeOf } from '../plugins/request-context';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AtQuery = Type.Object({ at: Type.Optional(Instant) });
const WRITE = { access: only('admin', 'planner') };
const READ = { access: ANY_USER };
const writeErrors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };
const UNIT = { zh: '该单位', en: 'unit' };
const PERSON = { zh: '该人员', en: 'person' };

/** Stored phones are normalised; anything else is refused naming the field. */
export function phoneField(raw: string | null | undefined, field: string): string | null | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return raw === undefined ? undefined : null;
  const p = normalizePhone(raw);
  if (!p)
    throw new AppError(
      422,
      'BadPhone',
      { zh: `「${raw}」不是有效电话号码：${PHONE_RULE.zh}`, en: `"${raw}" is not a phone number: ${PHONE_RULE.en}` },
      [{ field, reason: PHONE_RULE }],
    );
  return p;
}

/** Units (挂联/包保单位): list, create, update, and the grids a unit contracts at a time. */
export const unitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['contracting'];
  const premisesProblem = async (g: object | null | undefined) => {
    if (!g) return;
    const reason = await app.contracting.geometryProblem(g).catch(() => 'unreadable GeoJSON');
    if (reason)
      throw new AppError(
        422,
        'InvalidGeometry',
        { zh: `门前四包位置几何无效：${reason}`, en: `invalid premises geometry: ${reason}` },
        [{ field: 'premises', reason: { zh: reason, en: reason } }],
      );
  };

  app.get(
    '',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Contracting units with their grid counts at a time (default now)',
        querystring: AtQuery,
        response: { 200: Type.Array(Unit), 400: ErrorBody },
      },
    },
    async (req) => app.contracting.units(scopeOf(req), atOf(req.query, app.clock)),
  );

  app.post(
    '',
    {
      config: WRITE,
      schema: { tags, summary: 'Create a unit', body: UnitCreate, response: { 201: Unit, ...writeErrors } },
    },
    async (req, reply) => {
      const b = req.body;
      await premisesProblem(b.premises);
      const contactPhone = phoneField(b.contactPhone, 'contactPhone');
      const id = await app.db.transaction((tx) => insertUnit(tx, { ...b, name: b.name.trim(), contactPhone }));
      return reply.status(201).send((await app.contracting.units(null, app.clock.now(), id))[0]!);
    },
  );

  app.patch(
    '/:id',
    {
      config: WRITE,
      schema: {
        tags,
        summary: 'Change a unit (only the fields given)',
        params: IdParams,
        body: UnitPatch,
        response: { 200: Unit, ...writeErrors },
      },
    },
    async (req) => {
      await premisesProblem(req.body.premises);
      const contactPhone = phoneField(req.body.contactPhone, 'contactPhone');
      const found = await app.db.transaction((tx) =>
        updateUnit(tx, req.params.id, { ...req.body, ...(contactPhone !== undefined ? { contactPhone } : {}) }),
      );
      if (!found) throw notFound(UNIT);
      return (await app.contracting.units(null, app.clock.now(), req.params.id))[0]!;
    },
  );

  app.get(
    '/:id/grids',
    {
      config: READ,
      schema: {
        tags,
        summary: "A unit's grids and communities at a time (default now), with the grids' total area",
        params: IdParams,
        querystring: AtQuery,
        response: { 200: UnitGrids, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (req) => {
      const at = atOf(req.query, app.clock);
      const [unit] = await app.contracting.units(scopeOf(req), at, req.params.id);
      if (!unit) throw notFound(UNIT);
      return { unit, at: at.toISOString(), ...(await app.assignments.unitZones(unit.id, at, scopeOf(req))) };
    },
  );
};

/** People (网格长/网格员). */
export const peopleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['contracting'];
  app.get(
    '',
    {
      config: READ,
      schema: {
        tags,
        summary: 'Grid leaders and members, by name or phone',
        querystring: Type.Object({
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
          limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
          at: Type.Optional(Instant),
        }),
        response: { 200: Type.Array(Person), 400: ErrorBody },
      },
    },
    async (req) =>
      app.contracting.people(scopeOf(req), atOf(req.query, app.clock), {
        q: req.query.q?.trim(),
        limit: req.query.limit,
      }),
  );

  app.post(
    '',
    {
      config: WRITE,
      schema: {
        tags,
        summary: 'Register a person (unique by phone)',
        body: PersonCreate,
        response: { 201: Person, ...writeErrors },
      },
    },
    async (req, reply) => {
      const phone = phoneField(req.body.phone, 'phone')!;
      const id = await app.db.transaction((tx) => insertPerson(tx, { ...req.body, name: req.body.name.trim(), phone }));
      return reply.status(201).send((await app.contracting.people(null, app.clock.now(), { id }))[0]!);
    },
  );

  app.patch(
    '/:id',
    {
      config: WRITE,
      schema: {
        tags,
        summary: 'Change a person (only the fields given)',
        params: IdParams,
        body: PersonPatch,
        response: { 200: Person, ...writeErrors },
      },
    },
    async (req) => {
      const phone = phoneField(req.body.phone, 'phone') ?? undefined;
      const found = await app.db.transaction((tx) => updatePerson(tx, req.params.id, { ...req.body, phone }));
      if (!found) throw notFound(PERSON);
      return (await app.contracting.people(null, app.clock.now(), { id: req.params.id }))[0]!;
    },
  );
};
