// "Is the process that left this marker still running?" A pid alone cannot say: after a crash and
// a reboot, or a long time, another process may hold the same pid. On Linux the identity is the pid
// plus the boot id plus the process's start time (from /proc), which no other process can share;
// elsewhere it is the pid alone, and a live pid is taken as the same process.
import { readFileSync } from 'node:fs';

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks after boot); the command may hold spaces, so count from its ")". */
function linuxStartTime(pid: number): string | null {
  const stat = readOrNull(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19] ?? null;
}

/** A string that names this very process (not just its pid), or null when the process is gone. */
export function processIdentity(pid: number): string | null {
  if (process.platform === 'linux') {
    const bootId = readOrNull('/proc/sys/kernel/random/boot_id')?.trim();
    const start = linuxStartTime(pid);
    if (start === null) return null;
    return `linux:${bootId ?? '?'}:${pid}:${start}`;
  }
  return pidExists(pid) ? `pid:${pid}` : null;
}

export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the process a marker names is still the one running under its pid. */
export function isSameProcessAlive(pid: number, identity: string | null): boolean {
  const now = processIdentity(pid);
  if (now === null) return false;
  return identity === null || identity === now;
}

/** The command line of a process, where the platform shows it (Linux); null elsewhere or when gone. */
export function processCommandLine(pid: number): string | null {
  if (process.platform !== 'linux') return null;
  const raw = readOrNull(`/proc/${pid}/cmdline`);
  return raw === null ? null : raw.split('\0').join(' ').trim();
}
