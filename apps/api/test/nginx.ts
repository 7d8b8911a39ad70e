import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './spawn-api';

export const NGINX = '/usr/sbin/nginx';
export const hasNginx = existsSync(NGINX);
const REPO = path.resolve(__dirname, '../../..');

export interface RunningNginx {
  httpsPort: number;
  httpPort: number;
  /** The self-signed certificate (CN/SAN localhost and 127.0.0.1) to trust. */
  ca: string;
  /** The process's access log so far. */
  accessLog(): string;
  /** Resolves with the access log once it contains `text` (nginx logs after the response is sent). */
  waitForAccessLog(text: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs the real Debian nginx with the project's nginx/nginx.conf in front of `upstream`
 * (`127.0.0.1:port`): same directives, only paths, listen addresses and the upstream made local, a
 * self-signed certificate made here with openssl, as the current user in a temporary prefix.
 */
export async function startNginx(upstream: string): Promise<RunningNginx> {
  const prefix = mkdtempSync(path.join(tmpdir(), 'auterity-nginx-'));
  for (const d of ['cache', 'body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, d));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      path.join(prefix, 'privkey.pem'),
      '-out',
      path.join(prefix, 'fullchain.pem'),
    ],
    { stdio: 'ignore' },
  );
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const project = readFileSync(path.join(REPO, 'nginx/nginx.conf'), 'utf8');
  const replacements: [string, string][] = [
    ['pid /var/run/nginx.pid;', `pid ${prefix}/nginx.pid;`],
    ['error_log /dev/stderr warn;', `error_log ${prefix}/error.log warn;`],
    ['access_log /dev/stdout json;', `access_log ${prefix}/access.log json;`],
    ['/var/cache/nginx/auterity', `${prefix}/cache`],
    ['server app:3000', `server ${upstream}`],
    ['listen 80;', `listen 127.0.0.1:${httpPort};`],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${httpsPort} ssl http2;`],
    [
      'http {',
      [
        'http {',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
          (t) => `  ${t}_temp_path ${prefix}/${t.replace('client_', '')};`,
        ),
      ].join('\n'),
    ],
  ];
  let conf = project;
  for (const [from, to] of replacements) {
    if (!conf.includes(from)) throw new Error(`nginx.conf no longer contains ${from}`);
    conf = conf.replace(from, to);
  }
  conf = conf.replaceAll('/etc/nginx/certs/', `${prefix}/`);
  // As root, nginx would hand its workers to `nobody`; keep them on the current user.
  if (process.getuid?.() === 0) conf = `user ${userInfo().username};\n${conf}`;
  writeFileSync(path.join(prefix, 'nginx.conf'), conf);

  const child: ChildProcess = spawn(
    NGINX,
    ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;', '-e', `${prefix}/error.log`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = net.connect(httpsPort, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      const log = existsSync(path.join(prefix, 'error.log')) ? readFileSync(path.join(prefix, 'error.log'), 'utf8') : '';
      throw new Error(`nginx did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const accessLog = () => readFileSync(path.join(prefix, 'access.log'), 'utf8');
  return {
    httpPort,
    httpsPort,
    ca: readFileSync(path.join(prefix, 'fullchain.pem'), 'utf8'),
    accessLog,
    async waitForAccessLog(text, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      let log = accessLog();
      while (!log.includes(text) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 25));
        log = accessLog();
      }
      return log;
    },
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGQUIT');
      await exited;
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
