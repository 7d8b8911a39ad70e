import { existsSync } from 'node:fs';
import path from 'node:path';

function findApiRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(path.join(dir, 'migrations')) && existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`Cannot locate apps/api from ${start}`);
    dir = parent;
  }
}

/** apps/api, found the same way from src (tests) and from dist (the built bundle). */
export const API_ROOT = findApiRoot(__dirname);
export const MIGRATIONS_DIR = path.join(API_ROOT, 'migrations');
/** Migrated PGlite data directory built by `npm run build`: a new embedded database starts as a copy of it. */
export const PGLITE_TEMPLATE_DIR = path.join(API_ROOT, 'dist', 'pglite-template');
export const DEFAULT_STUDIO_DIR = path.join(API_ROOT, '..', 'workflow-studio', 'dist');
