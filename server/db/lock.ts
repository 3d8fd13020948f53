import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors/index.ts';

/** Directories this process holds: the pid file names us, so it cannot tell a second open here. */
const heldHere = new Set<string>();

/**
 * PGlite is one connection inside one process: a second process opening the same
 * data directory would corrupt it, and so would a second PGlite on it in this
 * process. A pid file (plus `heldHere`) refuses that with a clear message;
 * a pid file left by a killed process (its pid no longer alive) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const key = fs.realpathSync(dir);
  if (heldHere.has(key)) {
    throw new AppError('data_dir_in_use', `The embedded database in ${dir} is already open in this process.`);
  }
  const file = path.join(dir, 'bangni.pid');
  try {
    const pid = Number(fs.readFileSync(file, 'utf8'));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new AppError('data_dir_in_use', `The embedded database in ${dir} is already used by process ${pid}. ` +
        'Stop that process, choose another BANGNI_DATA_DIR, or set DATABASE_URL to run several nodes on PostgreSQL.');
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.writeFileSync(file, String(process.pid));
  heldHere.add(key);
  return () => {
    heldHere.delete(key);
    try {
      if (Number(fs.readFileSync(file, 'utf8')) === process.pid) fs.unlinkSync(file);
    } catch {
      // already gone
    }
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
