import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { API_ROOT } from '../src/lib/paths';

let bundle: Promise<string> | undefined;

/** Bundles src/main.ts the way `npm run build` does, once per test file, under apps/api/.test-build. */
export function bundleMain(): Promise<string> {
  bundle ??= (async () => {
    const outDir = path.join(API_ROOT, '.test-build');
    mkdirSync(outDir, { recursive: true });
    const outfile = path.join(outDir, `main-${randomBytes(4).toString('hex')}.js`);
    await build({
      entryPoints: [path.join(API_ROOT, 'src/main.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      alias: { '@auterity/workflow-contracts': path.join(API_ROOT, '../../packages/workflow-contracts/src/index.ts') },
      logLevel: 'error',
    });
    return outfile;
  })();
  return bundle;
}

export interface SpawnedApi {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the bundled API as a real process with exactly the given environment (plus PATH). */
export async function spawnApi(env: Record<string, string>, args: string[] = []): Promise<SpawnedApi> {
  const main = await bundleMain();
  const child = spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls until GET url answers 200 or the deadline passes. */
export async function waitForOk(url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
