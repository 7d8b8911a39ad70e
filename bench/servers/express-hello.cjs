// Baseline: a bare Express 5 app with one JSON route. The API is compared against this.
// Started by bench/run.mjs with PORT and HOST in the environment.
'use strict';
const express = require('express');

const port = Number(process.env.PORT);
const host = process.env.HOST || '127.0.0.1';
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('express-hello: PORT must be set\n');
  process.exit(1);
}

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.get('/', (req, res) => {
  res.json({ hello: 'world' });
});

const server = app.listen(port, host);

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

// If the runner dies without cleaning up (SIGKILL), don't linger as an orphan.
const parent = Number(process.env.BENCH_PARENT_PID);
if (parent > 0) {
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
