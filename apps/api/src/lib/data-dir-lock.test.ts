import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { acquireDataDirLock } from './data-dir-lock';

describe('acquireDataDirLock', () => {
  const dir = () => mkdtempSync(path.join(tmpdir(), 'auterity-lock-'));

  it('takes the lock and releases it', () => {
    const dataDir = dir();

    const release = acquireDataDirLock(dataDir);
    expect(existsSync(path.join(dataDir, '.lock'))).toBe(true);
    release();

    expect(existsSync(path.join(dataDir, '.lock'))).toBe(false);
  });

  it('refuses a directory held by another running process', () => {
    const dataDir = dir();
    writeFileSync(path.join(dataDir, '.lock'), String(process.ppid));

    expect(() => acquireDataDirLock(dataDir)).toThrow(`in use by process ${process.ppid}`);
  });

  it('replaces a lock left by a process that is gone', () => {
    const dataDir = dir();
    writeFileSync(path.join(dataDir, '.lock'), '999999999');

    const release = acquireDataDirLock(dataDir);

    expect(typeof release).toBe('function');
    release();
  });
});
