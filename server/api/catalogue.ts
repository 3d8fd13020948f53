import express, { Router, type Request } from 'express';
import type { AppContext } from '../app-context.ts';
import { ROLES } from '../auth/index.ts';
import {
  catalogueBodyDoc, catalogueBodySchema, catalogueCsv, catalogueXlsx, CSV_TYPE, importCatalogue, readCatalogue, treeView, XLSX_TYPE, type CatalogueInput,
} from '../catalogue/index.ts';
import { AppError } from '../errors/index.ts';
import { regionDay, type Sla } from '../sla/index.ts';
import { contentDisposition } from './headers.ts';
import { routes } from './openapi.ts';

const TAGS = ['catalogue'];
// A provincial standard's whole table is a few hundred kB as CSV and less as (zipped) XLSX.
const FILE_LIMIT = '5mb';
const csvBody = express.raw({ type: [CSV_TYPE, 'application/csv'], limit: FILE_LIMIT });
const xlsxBody = express.raw({ type: XLSX_TYPE, limit: FILE_LIMIT });
const IMPORT_ERRORS = { 404: ['not_found'], 409: ['catalogue_node_in_use'], 413: ['payload_too_large'], 415: ['unsupported_media_type'], 422: ['catalogue_invalid'] };
const FILE_NOTE =
  'One row per node: 一级分类编码, 一级分类名称, 二级分类编码, 二级分类名称, … (as many levels as the deepest node), 关键词 (separated by ；or ,), ' +
  '默认承办单位 (a unit code of the region), 状态 (启用 / 停用). The file is the region\'s whole tree: a default node it leaves out is hidden in the region. ' +
  'A file with any problem changes nothing and answers 422 `catalogue_invalid` with `details.rows: [{row, column, message}]` (rows as the spreadsheet numbers them).';

/**
 * The request catalogue (诉求分类) of a region: the effective tree (public — the
 * citizens' intake page and Open311 clients offer it), its export as CSV or
 * Excel for staff, and the administrator's import of the whole tree as JSON,
 * CSV or XLSX. An import reloads the SLA configuration, whose limit lookup
 * walks up the tree.
 */
export function catalogueRouter(ctx: AppContext, sla: Sla): Router {
  const r = Router();
  const { auth } = ctx;
  const api = routes(r, auth);
  const region = (req: Request) => String(req.params.region);
  // Named by the region's own date, not the UTC one.
  const fileName = async (req: Request, ext: string) => `诉求分类-${region(req)}-${await regionDay(ctx.knex, region(req), ctx.clock.now())}.${ext}`;

  const replaced = async (req: Request, input: CatalogueInput) => {
    const tree = await importCatalogue(ctx.knex, region(req), input, auth.actor(req), ctx.clock.now());
    await sla.changed();
    ctx.logger.info({ region: region(req) }, `catalogue of ${region(req)} replaced by ${auth.actor(req)} (${tree.byCode.size} nodes, ${tree.hidden.length} default nodes hidden)`);
    return treeView(tree);
  };
  const fileOf = (req: Request, type: string): Buffer => {
    if (!Buffer.isBuffer(req.body)) throw new AppError('unsupported_media_type', `Send the file itself as the body, with Content-Type ${type}.`, { status: 415 });
    return req.body;
  };

  api.get('/regions/:region/catalogue', {
    summary: 'The request catalogue (诉求分类) of a region: its effective tree (default nodes, the region\'s own added, overridden or hidden), public',
    description: 'Each node: code, name, keywords, defaultUnit, active (false: retired, 停用), selectable (a case may be taken in under it: an active leaf), origin (default | override | region), children. `hidden`: default codes the region leaves out.',
    tags: TAGS, roles: 'public', errors: { 404: ['not_found'] },
  }, async (req, res) => {
    res.json(treeView(await readCatalogue(ctx.read.reader(req), region(req))));
  });

  api.put('/regions/:region/catalogue', {
    summary: 'Replace the request catalogue of a region with this tree (the region\'s whole tree; default nodes left out are hidden there)',
    tags: TAGS, roles: ['admin'], body: catalogueBodyDoc, errors: IMPORT_ERRORS,
  }, async (req, res) => {
    res.json(await replaced(req, { json: catalogueBodySchema.parse(req.body ?? {}) }));
  });

  api.get('/regions/:region/catalogue.csv', {
    summary: 'The request catalogue of a region as CSV (UTF-8 with BOM, for Excel and WPS)', description: FILE_NOTE,
    tags: TAGS, roles: [...ROLES], produces: CSV_TYPE, errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const tree = await readCatalogue(ctx.read.reader(req), region(req));
    res.setHeader('content-type', `${CSV_TYPE}; charset=utf-8`);
    res.setHeader('content-disposition', contentDisposition('attachment', await fileName(req, 'csv')));
    res.send(catalogueCsv(tree));
  });

  api.put('/regions/:region/catalogue.csv', {
    summary: 'Replace the request catalogue of a region from a CSV file (body: the file, Content-Type text/csv, UTF-8 with or without BOM)', description: FILE_NOTE,
    tags: TAGS, roles: ['admin'], errors: IMPORT_ERRORS,
  }, csvBody, async (req, res) => {
    res.json(await replaced(req, { csv: fileOf(req, CSV_TYPE) }));
  });

  api.get('/regions/:region/catalogue.xlsx', {
    summary: 'The request catalogue of a region as an Excel workbook (.xlsx)', description: FILE_NOTE,
    tags: TAGS, roles: [...ROLES], produces: XLSX_TYPE, errors: { 404: ['not_found'] },
  }, async (req, res) => {
    const tree = await readCatalogue(ctx.read.reader(req), region(req));
    res.setHeader('content-type', XLSX_TYPE);
    res.setHeader('content-disposition', contentDisposition('attachment', await fileName(req, 'xlsx')));
    res.send(await catalogueXlsx(tree, ctx.clock.now()));
  });

  api.put('/regions/:region/catalogue.xlsx', {
    summary: 'Replace the request catalogue of a region from an Excel workbook (body: the .xlsx file, its first sheet read)', description: FILE_NOTE,
    tags: TAGS, roles: ['admin'], errors: IMPORT_ERRORS,
  }, xlsxBody, async (req, res) => {
    res.json(await replaced(req, { xlsx: fileOf(req, XLSX_TYPE) }));
  });

  return r;
}
