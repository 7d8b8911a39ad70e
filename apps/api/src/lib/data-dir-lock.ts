import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded database is a single-writer directory: a second process opening it would corrupt
 * it. Takes `DATA_DIR/.lock` (our pid), replacing a lock left by a process that no longer runs.
 * @throws Error naming the process that holds the directory.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  const file = path.join(dataDir, '.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(`DATA_DIR ${dataDir} is in use by process ${holder}; stop it or set another DATA_DIR`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Cannot lock DATA_DIR ${dataDir}`);
}
