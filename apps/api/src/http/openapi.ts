import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { ApiErrorSchema } from '@auterity/workflow-contracts';
import type { RouteDefinition } from './define-route';

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON or failed validation',
  401: 'Missing or invalid credentials',
  403: 'Authenticated but not allowed',
  404: 'Not found (also for resources of another organization)',
  409: 'Conflicts with the current state',
  413: 'Body too large',
  415: 'Body is not JSON',
  429: 'Rate limited; see Retry-After',
  500: 'Unexpected error; only a request id is returned',
  503: 'A dependency is unavailable',
};

/** `/api/x/:id` → `/api/x/{id}` */
function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/**
 * Builds the OpenAPI 3.1 document from the route table and the contract schemas, so the document
 * cannot drift from what the API validates.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], version: string): object {
  const registry = new OpenAPIRegistry();
  for (const route of routes) {
    const input = route.input ?? {};
    const errorStatuses = new Set([...(input.body || input.query || input.params ? [400] : []), ...(route.errors ?? []), 500]);
    const responses: Record<string, { description: string; content?: Record<string, { schema: typeof ApiErrorSchema }> }> = {};
    for (const status of [...errorStatuses].sort()) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? 'Error',
        content: { 'application/json': { schema: ApiErrorSchema } },
      };
    }
    registry.registerPath({
      method: route.method,
      path: toOpenApiPath(route.path),
      summary: route.summary,
      tags: route.tags,
      request: {
        ...(input.params ? { params: input.params as never } : {}),
        ...(input.query ? { query: input.query as never } : {}),
        ...(input.body ? { body: { content: { 'application/json': { schema: input.body } } } } : {}),
      },
      responses: {
        [String(route.response.status ?? 200)]:
          route.response.status === 204 || route.response.status === 302
            ? { description: route.response.description }
            : { description: route.response.description, content: { 'application/json': { schema: route.response.schema } } },
        ...responses,
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Auterity API',
      version,
      description: 'AI workflow platform. Errors share one envelope: `{ error, code, details?, requestId }`.',
    },
    servers: [{ url: '/' }],
  });
}
