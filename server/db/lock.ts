import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors/index.ts';

/**
 * PGlite is one connection inside one process: a second process opening the same
 * data directory would corrupt it. A pid file refuses that with a clear message;
 * a pid file left by a killed process (its pid no longer alive) is taken over.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true });
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
  return () => {
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
