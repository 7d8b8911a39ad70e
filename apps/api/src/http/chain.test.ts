import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { chain } from './chain';

/** An app with one chained layer, a route after it, and an error handler that names the error. */
function appWith(handlers: RequestHandler[]) {
  const app = express();
  app.use(chain(handlers));
  app.get('/', (_req, res) => {
    res.json({ seen: res.locals['seen'] ?? [] });
  });
  const onError: ErrorRequestHandler = (err: Error, _req, res, _next) => {
    res.status(500).json({ error: err.message, seen: res.locals['seen'] ?? [] });
  };
  app.use(onError);
  return app;
}

const mark =
  (name: string): RequestHandler =>
  (_req, res, next) => {
    res.locals['seen'] = [...((res.locals['seen'] as string[] | undefined) ?? []), name];
    next();
  };

describe('chain', () => {
  it('runs the middlewares in order, then the next layer', async () => {
    const res = await request(appWith([mark('a'), mark('b'), mark('c')])).get('/');
    expect(res.body).toEqual({ seen: ['a', 'b', 'c'] });
  });

  it('stops at a middleware that answers', async () => {
    const answer: RequestHandler = (_req, res) => {
      res.status(204).end();
    };
    const res = await request(appWith([mark('a'), answer, mark('never')])).get('/');
    expect(res.status).toBe(204);
  });

  it('hands an error passed to next, a thrown one and a rejected promise to the error handler', async () => {
    const passed: RequestHandler = (_req, _res, next) => next(new Error('passed'));
    const thrown: RequestHandler = () => {
      throw new Error('thrown');
    };
    const rejected: RequestHandler = async () => {
      await Promise.resolve();
      throw new Error('rejected');
    };
    for (const [handler, message] of [
      [passed, 'passed'],
      [thrown, 'thrown'],
      [rejected, 'rejected'],
    ] as const) {
      const res = await request(appWith([mark('a'), handler, mark('never')])).get('/');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: message, seen: ['a'] });
    }
  });

  it('with no middlewares goes straight on', async () => {
    expect((await request(appWith([])).get('/')).body).toEqual({ seen: [] });
  });
});
