// Reading a settings file that may not exist yet: missing is normal (null), anything
// else (permissions, I/O) is an error the caller should see.
import fs from 'node:fs';

export function readTextIfExists(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
