import express from 'express';
import request from 'supertest';
import { captureLogger } from '../../test/test-app';
import { toExpressHandler, defineRoute } from './define-route';
import { createErrorHandler, type UnhandledErrorReport } from './error-handler';
import { requestContext } from './request-context';
import { z } from 'zod';

describe('error capture in the error handler', () => {
  function appWith(reports: UnhandledErrorReport[], capture?: (r: UnhandledErrorReport) => void) {
    const app = express();
    app.use(requestContext(captureLogger('silent').log));
    app.get(
      '/api/things/:id',
      toExpressHandler(
        defineRoute({
          method: 'get',
          path: '/api/things/:id',
          summary: 'x',
          tags: ['x'],
          auth: 'public',
          response: { description: 'x', schema: z.object({}) },
          handle: () => {
            throw new TypeError('boom for thing 42');
          },
        }),
      ),
    );
    app.use(createErrorHandler(capture ?? ((r) => reports.push(r))));
    return app;
  }

  it('hands an unexpected error to Error-IQ with its route template and answers a bare 500', async () => {
    const reports: UnhandledErrorReport[] = [];

    const res = await request(appWith(reports)).get('/api/things/7');

    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toMatch(/boom|TypeError|at /);
    expect(reports).toEqual([
      expect.objectContaining({
        source: 'api',
        errorType: 'TypeError',
        message: 'boom for thing 42',
        location: 'GET /api/things/:id',
        organizationId: null,
        context: expect.objectContaining({ statusCode: 500, route: '/api/things/:id', requestId: res.body.requestId }),
      }),
    ]);
    expect(reports[0]?.stack).toContain('TypeError');
  });

  it('still answers when capturing throws', async () => {
    const res = await request(
      appWith([], () => {
        throw new Error('capture broke');
      }),
    ).get('/api/things/7');

    expect(res.status).toBe(500);
    expect(res.body.code).toBe('internal_error');
  });
});
