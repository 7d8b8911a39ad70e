import path from 'node:path';
import express, { type Router } from 'express';

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Auterity API reference</title>
  <link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

/**
 * `GET /api/openapi.json` (generated once from the route table) and a readable reference at
 * `/api/docs` (Swagger UI, served from the installed swagger-ui-dist package, no CDN).
 */
export function docsRouter(getDocument: () => object): Router {
  const router = express.Router();
  let cached: string | undefined;
  router.get('/api/openapi.json', (_req, res) => {
    cached ??= JSON.stringify(getDocument());
    res.type('application/json').send(cached);
  });
  router.get('/api/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.get('/api/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(INIT_SCRIPT);
  });
  const assets = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  router.use('/api/docs/assets', express.static(assets, { index: false, maxAge: '1d', fallthrough: false }));
  return router;
}
