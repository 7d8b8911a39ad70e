import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import type { FieldIssue, Permission } from '@auterity/workflow-contracts';
import { hasPermission, type Actor, type Authenticator } from './actor';
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from './errors';
import type { RateLimiter, RateLimitTier } from './rate-limit';

/** An audit record a route asks for after it succeeded (see modules/audit). */
export interface RouteAuditEntry {
  action: string;
  organizationId: string | null;
  actor?: Actor | { kind: 'user'; userId: string } | undefined;
  target?: { type: string; id: string } | undefined;
  metadata?: Record<string, unknown>;
}

export interface RouteRuntime {
  authenticate?: Authenticator;
  /** An API key this process verified moments ago, without I/O (undefined: not known). */
  authenticateCached?: (credentials: { bearer?: string; apiKey?: string }) => Actor | undefined;
  limiter?: RateLimiter;
  /** Admits an authenticated caller's organization (suspension; plan metering); awaited only when it returns a promise. */
  admit?: (actor: Actor, path: string) => void | Promise<void>;
  /** Records audit entries with the client's address; never throws. */
  audit?: (entry: RouteAuditEntry & { client: { ip: string; userAgent: string | null } }) => Promise<void>;
}

type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Schemas for the three parts of a request; each part is parsed and unknown keys are stripped. */
export interface RouteInputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<I extends RouteInputSchemas> {
  params: Parsed<I['params']>;
  query: Parsed<I['query']>;
  body: Parsed<I['body']>;
}

export interface HandlerContext<I extends RouteInputSchemas> {
  input: RouteInput<I>;
  /** The authenticated caller; undefined only on `auth: 'public'` routes. */
  actor: Actor | undefined;
  req: Request;
  res: Response;
}

const responseActors = new WeakMap<Response, Actor>();

/** The actor a route authenticated for this response, if any (request analytics, error capture). */
export function actorOfResponse(res: Response): Actor | undefined {
  return responseActors.get(res);
}

/** The caller of an authenticated route (throws on a public route, where there is none). */
export function actorOf(ctx: { actor: Actor | undefined }): Actor {
  if (!ctx.actor) throw new UnauthenticatedError();
  return ctx.actor;
}

/** One endpoint: its HTTP mapping, its contract (also the OpenAPI source) and one handler. */
export interface RouteDefinition<I extends RouteInputSchemas = RouteInputSchemas, R = unknown> {
  method: HttpMethod;
  /** Express-style path, e.g. `/api/workflows/:workflowId`. */
  path: string;
  summary: string;
  tags: string[];
  input?: I;
  /** `public`: no credentials needed. Otherwise a valid access token or API key is required. */
  auth?: 'public';
  /** Limit tier before authentication (per client IP); `auth` for sign-in-like routes, `none` for probes. */
  rateLimit?: RateLimitTier;
  /** Permission the caller must hold (owners and admins hold all); 403 otherwise. */
  permission?: Permission;
  response: { status?: number; description: string; schema: z.ZodType<R> };
  /** Error statuses worth documenting besides 400/500. */
  errors?: number[];
  handle(ctx: HandlerContext<I>): Promise<R> | R;
  /** Security-relevant routes name the audit entry their success produces. */
  audit?: (ctx: { input: RouteInput<I>; actor: Actor | undefined; result: R }) => RouteAuditEntry;
}

/** Keeps the generic types of a route while collecting heterogeneous routes in one list. */
export function defineRoute<I extends RouteInputSchemas, R>(route: RouteDefinition<I, R>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

function toIssues(prefix: string, error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function credentialsOf(req: Request): { bearer?: string; apiKey?: string } {
  const header = req.headers.authorization;
  const apiKey = req.headers['x-api-key'];
  return {
    ...(typeof header === 'string' && header.startsWith('Bearer ') ? { bearer: header.slice(7).trim() } : {}),
    ...(typeof apiKey === 'string' && apiKey.length > 0 ? { apiKey } : {}),
  };
}

function isAccessToken(credentials: { bearer?: string; apiKey?: string }): boolean {
  return credentials.apiKey === undefined && credentials.bearer !== undefined && !credentials.bearer.startsWith('ak_');
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function parsePart(schema: z.ZodType | undefined, value: unknown, prefix: string, issues: FieldIssue[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  issues.push(...toIssues(prefix, result.error));
  return undefined;
}

/**
 * Turns a route definition into the Express handler: validate params, query and body against the
 * contract (400 with field issues, 415 for a non-JSON body), call the handler once, send its DTO.
 */
export function toExpressHandler(route: RouteDefinition, runtime: RouteRuntime = {}): RequestHandler {
  const { authenticate, authenticateCached, limiter, audit, admit } = runtime;
  const status = route.response.status ?? 200;
  const tier = route.rateLimit ?? 'default';
  return async (req, res) => {
    let actor: Actor | undefined;
    if (route.auth === 'public') {
      if (limiter && tier !== 'none') await limiter.limitIp(req, res, tier);
    } else {
      if (!authenticate) throw new Error(`route ${route.path} needs an authenticator`);
      const credentials = credentialsOf(req);
      const ipTier = limiter && tier !== 'none' ? tier : undefined;
      if (isAccessToken(credentials)) {
        // An access token verifies without I/O: a valid one is limited per user; a bad one counts
        // against its IP (429 first when over the limit), so token guessing stays limited.
        try {
          actor = await authenticate(credentials);
        } catch (err) {
          if (limiter && ipTier) await limiter.limitIp(req, res, ipTier);
          throw err;
        }
        if (limiter) await limiter.limitActor(actor, res);
      } else if ((actor = authenticateCached?.(credentials))) {
        // A key verified moments ago: the IP tier and its own counters in one round trip.
        if (limiter) await limiter.limitIpAndActor(req, res, ipTier, actor);
      } else {
        // API keys need a lookup: the IP tier runs before it.
        if (limiter && ipTier) await limiter.limitIp(req, res, ipTier);
        actor = await authenticate(credentials);
        if (limiter) await limiter.limitActor(actor, res);
      }
      responseActors.set(res, actor);
      const admitting = admit?.(actor, route.path);
      if (admitting) await admitting;
      if (route.permission && !hasPermission(actor, route.permission)) throw new ForbiddenError();
    }
    const schemas = route.input ?? {};
    if (schemas.body && hasBody(req) && !req.is('application/json')) {
      throw new AppError(415, 'unsupported_media_type', 'Request body must be application/json');
    }
    const issues: FieldIssue[] = [];
    const input = {
      params: parsePart(schemas.params, req.params, 'params', issues),
      query: parsePart(schemas.query, req.query, 'query', issues),
      body: parsePart(schemas.body, req.body, 'body', issues),
    } as RouteInput<RouteInputSchemas>;
    if (issues.length > 0) throw new ValidationError('Request validation failed', issues);
    const result = await route.handle({ input, actor, req, res });
    if (route.audit && audit) {
      await audit({
        ...route.audit({ input, actor, result }),
        client: { ip: req.ip ?? 'unknown', userAgent: req.headers['user-agent'] ?? null },
      });
    }
    // A handler that answered itself (a redirect) is done.
    if (res.headersSent) return;
    if (status === 204) {
      res.status(204).end();
      return;
    }
    res.status(status).json(result);
  };
}

/** `/api/workflows/:id/execute` → `/api/workflows`: the first two segments of a path, lower-cased. */
function groupOf(path: string): string {
  const second = path.indexOf('/', 1);
  const third = second < 0 ? -1 : path.indexOf('/', second + 1);
  return (third < 0 ? path : path.slice(0, third)).toLowerCase();
}

/**
 * Mounts the route table as one middleware. Routes are grouped by their first two path segments
 * (every route path starts with two literal ones), so a request walks only its group's routes
 * instead of the whole table in order: with a hundred routes that walk was a tenth of a busy
 * request's CPU. Matching stays Express's own, case-insensitive like it.
 */
export function routeTable(routes: RouteDefinition[], runtime: RouteRuntime): RequestHandler {
  const groups = new Map<string, Router>();
  for (const route of routes) {
    const key = groupOf(route.path);
    if (/[:*(]/.test(key)) throw new Error(`route ${route.path} must start with two literal path segments`);
    let router = groups.get(key);
    if (!router) groups.set(key, (router = Router()));
    router[route.method](route.path, toExpressHandler(route, runtime));
  }
  return (req, res, next) => {
    const router = groups.get(groupOf(req.path));
    if (router) router(req, res, next);
    else next();
  };
}
