import { Router } from 'express';
import type { AppContext } from '../app-context.ts';
import { duplicateOptionsSchema, duplicatesOfCase, duplicatesOfDraft, draftDuplicatesSchema, textMethod } from '../duplicates/index.ts';
import { idParam } from './params.ts';
import { routes } from './openapi.ts';

const TAGS = ['cases'];
// Those who take calls and merge (并单), and leaders who oversee them; a handler would see other units' cases.
const ROLES = ['dispatcher', 'leader', 'admin'] as const;
const SHAPE = '`{method: "trgm"|"bigram", withinMeters, windowHours, minSimilarity, limit, items:[{id, caseNo, title, status, address, createdAt, distanceMeters, similarity, ageHours, near, similar}]}`';

/** 并单 suggestions: open cases of the same category nearby or with similar text, within a time window. */
export function duplicatesRouter(ctx: AppContext): Router {
  const r = Router();
  const api = routes(r, ctx.auth);

  api.post('/cases/duplicates', {
    summary: 'Duplicate suggestions for a request being taken in (not yet submitted): same category, within withinMeters or with similar text, within windowHours',
    tags: TAGS, roles: [...ROLES], body: draftDuplicatesSchema, response: SHAPE, errors: { 403: ['forbidden'] },
  }, async (req, res, { body }) => {
    const knex = ctx.read.reader(req);
    res.json(await duplicatesOfDraft(knex, await textMethod(knex), ctx.clock.now(), body));
  });

  api.get('/cases/:id/duplicates', {
    summary: 'Duplicate suggestions for a case: open cases of its category near it or with similar text, taken in within windowHours of it',
    tags: TAGS, scope: 'case', roles: [...ROLES], query: duplicateOptionsSchema, response: SHAPE, errors: { 404: ['not_found'] },
  }, async (req, res, { query }) => {
    const knex = ctx.read.reader(req);
    res.json(await duplicatesOfCase(knex, await textMethod(knex), ctx.clock.now(), idParam(String(req.params.id)), query));
  });

  return r;
}
