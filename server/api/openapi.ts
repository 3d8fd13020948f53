import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Guard, Role } from '../auth/index.ts';

/**
 * Routes are declared once, with their zod schemas: the same schemas validate
 * the request and generate the OpenAPI document, so the two cannot drift. Every
 * router registers through `routes(...)`; a test checks that every express
 * route appears in the document.
 */
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Scope = 'region' | 'case' | 'task' | 'self' | 'none';

export interface RouteSpec {
  summary: string;
  description?: string;
  tags?: string[];
  /** Roles allowed; 'public' for anonymous (citizens) and everyone else. */
  roles: Role[] | 'public';
  /**
   * Which records the caller must be entitled to, beyond the role (default: 'none' for public
   * routes, 'region' otherwise). Checked here, before the body is read, so a request about
   * another region's record is refused whatever it carries:
   * - 'region': the region the route names (`:region`, or in the handler a `region` query/body
   *   field or the record's own region) must be the caller's (admin: every region). Reading the
   *   `default` region's shared data (SLA limits, calendar) is allowed.
   * - 'case' / 'task': `:id` is a case / task of the caller's region (404 otherwise); a handler
   *   must also be offered one of its tasks (case) or the task itself, or have worked on it (403).
   * - 'self': the caller's own login; no region.
   * - 'none': nothing beyond the role (public documents, a citizen's tracking code).
   * The authorization-matrix test (test/integration/auth/authorization-matrix.test.ts) tries
   * every route × role × own/other region against this declaration.
   */
  scope?: Scope;
  body?: z.ZodType;
  query?: z.ZodType;
  /** multipart/form-data upload: the file field's name and the other text fields. */
  multipart?: { file: string; fields?: z.ZodType };
  headers?: Array<{ name: string; description: string; required?: boolean }>;
  /** Success status and a description of what comes back (default 200). */
  status?: number;
  response?: string;
  responseSchema?: z.ZodType;
  /** Error codes this route answers with, by status: documentation for client authors. */
  errors?: Record<number, string[]>;
  produces?: string;
}

export interface DocumentedRoute extends RouteSpec {
  method: Method;
  /** Full express path, e.g. `/api/v1/tasks/:id/claim`. */
  path: string;
  scope: Scope;
}

const registry = new Map<string, DocumentedRoute>();

/** Records a route in the document without registering a handler (routes served by code that is not a router of ours). */
export function documentRoute(route: Omit<DocumentedRoute, 'scope'> & { scope?: Scope }): void {
  registry.set(`${route.method.toUpperCase()} ${route.path}`, { ...route, scope: scopeOf(route) });
}

export const scopeOf = (spec: Pick<RouteSpec, 'roles' | 'scope'>): Scope => spec.scope ?? (spec.roles === 'public' ? 'none' : 'region');

export function documentedRoutes(): DocumentedRoute[] {
  return [...registry.values()].sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

type Infer<S> = S extends z.ZodType ? z.output<S> : any;

/** What a handler gets besides req/res: the parsed, validated body and query. */
export interface Input<B = any, Q = any> {
  body: B;
  query: Q;
}

type Handler<B, Q> = (req: Request, res: Response, input: Input<Infer<B>, Infer<Q>>) => unknown;

/**
 * A router whose routes document themselves. `mount` is where the router is
 * used in the app (`/api/v1`), so the document holds full paths. Handlers get
 * the body and query parsed by the very schemas the document shows.
 */
export function routes(router: Router, auth: Guard, mount = '/api/v1') {
  const add =
    (method: Method) =>
    <B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
      path: string,
      spec: RouteSpec & { body?: B; query?: Q },
      ...handlers: [...RequestHandler[], Handler<B, Q>]
    ) => {
      documentRoute({ ...spec, method, path: `${mount}${path}` });
      const before: RequestHandler[] = [];
      if (spec.roles !== 'public') before.push(auth.require(...spec.roles));
      const scope = scopeOf(spec);
      if (scope === 'case' || scope === 'task') {
        if (!path.includes(':id')) throw new Error(`${method.toUpperCase()} ${path}: scope '${scope}' needs an :id parameter`);
        before.push(async (req, _res, next) => {
          const id = Number(req.params.id);
          if (!Number.isSafeInteger(id) || id < 1) return next(); // the handler's idParam answers 422
          await (scope === 'case' ? auth.checkCase(req, id) : auth.checkTask(req, id));
          next();
        });
      } else if (scope === 'region') {
        // The region a request names — in the path, the query or the body — is checked before
        // anything is parsed: another region's request is refused whatever else it carries.
        before.push((req, _res, next) => {
          if (spec.roles === 'public' && !req.user) return next(); // anonymous citizens submit anywhere
          const named = [req.params.region, (req.query as Record<string, unknown>).region, (req.body as Record<string, unknown> | undefined)?.region];
          for (const region of named) if (typeof region === 'string') auth.checkRegion(req, region, { allowDefault: method === 'get' });
          next();
        });
      }
      const middle = handlers.slice(0, -1) as RequestHandler[];
      const last = handlers[handlers.length - 1] as Handler<B, Q>;
      const run: RequestHandler = async (req, res) => {
        const input = {
          body: spec.body ? spec.body.parse(req.body ?? {}) : req.body,
          query: spec.query ? spec.query.parse(req.query) : req.query,
        };
        await last(req, res, input as Input<Infer<B>, Infer<Q>>);
      };
      router[method](path, ...before, ...middle, run);
    };
  return { get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable code (e.g. validation_failed, forbidden, not_found).' },
        message: { type: 'string', description: 'A sentence for people.' },
        details: { description: 'Structured details, e.g. `{fields:[{field,rule,message}]}` for 422.' },
      },
    },
  },
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function queryParameters(schema: z.ZodType) {
  const js = jsonSchema(schema);
  const props = (js.properties ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((js.required as string[]) ?? []);
  return Object.entries(props).map(([name, s]) => ({ name, in: 'query', required: required.has(name) && s.default === undefined, schema: s, ...(s.description ? { description: s.description } : {}) }));
}

/** The OpenAPI 3.1 document of every registered route. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of documentedRoutes()) {
    const oaPath = r.path.replace(/:(\w+)/g, '{$1}');
    const params: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: m[1] === 'id' || m[1].endsWith('Id') ? { type: 'integer', minimum: 1 } : { type: 'string' },
    }));
    if (r.query) params.push(...queryParameters(r.query));
    for (const h of r.headers ?? []) params.push({ name: h.name, in: 'header', required: Boolean(h.required), description: h.description, schema: { type: 'string' } });
    const status = r.status ?? 200;
    const responses: Record<string, unknown> = {
      [status]: {
        description: r.response ?? 'OK',
        ...(status !== 204 && {
          content: { [r.produces ?? 'application/json']: { schema: r.responseSchema ? jsonSchema(r.responseSchema, 'output') : {} } },
        }),
      },
    };
    const errors: Record<number, string[]> = { ...(r.errors ?? {}) };
    if (r.body || r.query || r.multipart) errors[422] = [...new Set(['validation_failed', ...(errors[422] ?? [])])];
    if (r.roles !== 'public') {
      errors[401] = [...new Set(['unauthenticated', 'token_invalid', ...(errors[401] ?? [])])];
      errors[403] = [...new Set(['forbidden', ...(errors[403] ?? [])])];
    }
    for (const [code, codes] of Object.entries(errors)) {
      responses[code] = { description: `Error codes: ${codes.join(', ')}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    let requestBody: unknown;
    if (r.body) requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
    if (r.multipart) {
      const fields = r.multipart.fields ? jsonSchema(r.multipart.fields) : { type: 'object', properties: {} };
      const props = { ...((fields.properties as object) ?? {}), [r.multipart.file]: { type: 'string', format: 'binary' } };
      requestBody = { required: true, content: { 'multipart/form-data': { schema: { type: 'object', required: [r.multipart.file], properties: props } } } };
    }
    paths[oaPath] ??= {};
    paths[oaPath][r.method] = {
      summary: r.summary,
      ...(r.description && { description: r.description }),
      tags: r.tags ?? [],
      operationId: `${r.method}${oaPath.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      'x-roles': r.roles,
      'x-scope': r.scope,
      security: r.roles === 'public' ? [] : [{ bearer: [] }],
      parameters: params,
      ...(requestBody !== undefined && { requestBody }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Bangni (帮你) API',
      version: '1',
      description:
        'Citizen requests (12345 work orders) as BPMN cases. Log in with POST /api/v1/auth/login and send `Authorization: Bearer <token>`. ' +
        'Every error is `{error:{code,message,details}}` with a stable code. Any route may also answer 400 `invalid_text` (NUL byte, lone surrogate), ' +
        '`invalid_escape`, `malformed_json`, `body_too_deep`, 413 `payload_too_large`, 415 `unsupported_charset` / `unsupported_encoding`, ' +
        'and 503 `database_unavailable` with Retry-After.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

/** `/api/openapi.json` and the browsable page `/api/docs` (its script at `/api/docs.js`: the CSP allows no inline script). */
export function openApiRouter(page: string, script = ''): Router {
  const r = Router();
  documentRoute({ method: 'get', path: '/api/openapi.json', summary: 'This OpenAPI document', tags: ['docs'], roles: 'public' });
  documentRoute({ method: 'get', path: '/api/docs', summary: 'A browsable page of this API', tags: ['docs'], roles: 'public', produces: 'text/html' });
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  r.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  documentRoute({ method: 'get', path: '/api/docs.js', summary: 'The script of the browsable page', tags: ['docs'], roles: 'public', produces: 'text/javascript' });
  r.get('/docs.js', (_req, res) => {
    res.type('js').send(script);
  });
  return r;
}
