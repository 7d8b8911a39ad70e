import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type RequestHandler, type Router } from 'express';

/**
 * Serves the built studio SPA: hashed assets cached for a year, `index.html` for every other
 * GET outside `/api` (client-side routes such as /login or /workflows/42), never cached.
 * Returns undefined when the studio was not built, so the API still starts.
 */
export function studioRouter(studioDir: string): Router | undefined {
  const indexFile = path.join(studioDir, 'index.html');
  if (!existsSync(indexFile)) return undefined;
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(studioDir, 'assets'), { index: false, immutable: true, maxAge: '365d', fallthrough: false }),
  );
  router.use(express.static(studioDir, { index: false, maxAge: '1h' }));
  const sendIndex: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.path === '/api') {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
  router.use(sendIndex);
  return router;
}
