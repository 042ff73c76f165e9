import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ANY_USER, only } from '../auth/roles';
import { ErrorBody } from '../schemas/common';
import { ContractingImportRequest, ContractingImportResult, ExportTable } from '../schemas/contracting';
import { importContracting } from '../services/contracting-import';
import { exportTables } from '../services/contracting-export';
import { writeCsv, writeXlsx } from '../services/contracting-files';
import { scopeOf } from '../plugins/request-context';

const tags = ['contracting'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const attachment = (name: string) =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Import and export of units, people and assignments as offices keep them (docs/IMPORT-TEMPLATES.md). */
const contractingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/import',
    {
      config: { access: only('admin', 'planner') },
      bodyLimit: 64 * 1024 * 1024, // up to 10 workbooks, base64 in JSON (decision 10)
      schema: {
        tags,
        summary: 'Import units, people and assignments from .xlsx/.csv files (base64 in JSON), all or nothing',
        body: ContractingImportRequest,
        response: {
          201: ContractingImportResult,
          400: ErrorBody,
          401: ErrorBody,
          403: ErrorBody,
          409: ErrorBody,
          413: ErrorBody,
          422: ErrorBody,
        },
      },
    },
    async (req, reply) => {
      const files = req.body.files.map((f) => ({
        name: f.name,
        content: new Uint8Array(Buffer.from(f.content, 'base64')),
      }));
      return reply.status(201).send(await importContracting(app.db, files));
    },
  );

  app.get(
    '/export.xlsx',
    {
      config: { access: ANY_USER },
      schema: { tags, summary: 'Units, people and assignments (with history) as one workbook, in the import template' },
    },
    async (req, reply) => {
      const t = await exportTables(app.db, scopeOf(req));
      const body = await writeXlsx([t.units, t.people, t.assignments]);
      return reply.type(XLSX).header('Content-Disposition', attachment('网格挂联包保.xlsx')).send(body);
    },
  );

  app.get(
    '/export.csv',
    {
      config: { access: ANY_USER },
      schema: {
        tags,
        summary: 'One table as CSV (UTF-8 with BOM, opens in Excel)',
        querystring: Type.Object({ table: ExportTable }),
      },
    },
    async (req, reply) => {
      const t = (await exportTables(app.db, scopeOf(req)))[req.query.table];
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', attachment(`${t.sheet}.csv`))
        .send(writeCsv(t));
    },
  );
};
export default contractingRoutes;
