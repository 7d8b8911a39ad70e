import { z } from 'zod';
import { defineRoute } from './define-route';
import { buildOpenApiDocument } from './openapi';

describe('buildOpenApiDocument', () => {
  it('describes params, query, body, the success response and documented errors', () => {
    const route = defineRoute({
      method: 'put',
      path: '/api/workflows/:workflowId/tags/:tag',
      summary: 'Tag a workflow',
      tags: ['workflows'],
      input: {
        params: z.object({ workflowId: z.uuid(), tag: z.string() }),
        query: z.object({ notify: z.enum(['yes', 'no']).optional() }),
        body: z.object({ color: z.string() }).meta({ id: 'TagBody' }),
      },
      errors: [404, 409],
      response: { status: 201, description: 'Tagged', schema: z.object({ ok: z.boolean() }) },
      handle: () => ({ ok: true }),
    });

    const doc = buildOpenApiDocument([route], '1.2.3') as {
      info: { version: string };
      paths: Record<
        string,
        Record<string, { parameters: { name: string; in: string }[]; requestBody: unknown; responses: Record<string, unknown> }>
      >;
    };

    const operation = doc.paths['/api/workflows/{workflowId}/tags/{tag}']?.put;
    expect(doc.info.version).toBe('1.2.3');
    expect(operation?.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:tag', 'path:workflowId', 'query:notify']);
    expect(operation?.requestBody).toEqual({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/TagBody' } } },
    });
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(['201', '400', '404', '409', '500']);
  });

  it('documents no 400 for a route without input', () => {
    const route = defineRoute({
      method: 'get',
      path: '/api/ping',
      summary: 'Ping',
      tags: ['misc'],
      errors: [418],
      response: { description: 'Pong', schema: z.object({}) },
      handle: () => ({}),
    });

    const doc = buildOpenApiDocument([route], '1') as {
      paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    };

    const responses = doc.paths['/api/ping']?.get?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(['200', '418', '500']);
    expect(responses['418']?.description).toBe('Error');
  });
});
