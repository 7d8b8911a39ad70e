import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Directories this process holds, so a second open from the same process is refused too. */
const heldHere = new Set<string>();

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
  if (heldHere.has(file)) throw new Error(`DATA_DIR ${dataDir} is in use by process ${process.pid} (this one)`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      // Our own pid in the file is a leftover of an earlier run that had the same pid (common in
      // containers), since locks held by this process are tracked in `heldHere`.
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new Error(`DATA_DIR ${dataDir} is in use by process ${holder}; stop it or set another DATA_DIR`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Cannot lock DATA_DIR ${dataDir}`);
}
