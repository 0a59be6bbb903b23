// Tells whether the process named in a lock file still runs, on Linux without native addons:
// `process.kill(pid, 0)` says whether the pid exists; /proc/<pid>/stat says whether it is a
// zombie, and its start time and the boot id tell a reused pid (after the holder died, or after
// a reboot) from the holder.
import fs from 'node:fs/promises';
import os from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id, when readable. */
  bootId: string | undefined;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot), when readable. */
  startTicks: string | undefined;
}

async function readText(filePath: string): Promise<string | undefined> {
  try {
    return await fs.readFile(filePath, 'utf8');
  } catch {
    return undefined;
  }
}

/** Fields 3 onwards of /proc/<pid>/stat (state, ppid, ...), when readable. */
async function statFields(pid: number): Promise<string[] | undefined> {
  const stat = await readText(`/proc/${pid}/stat`);
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
  return stat === undefined ? undefined : stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

const fieldAt = (fields: string[] | undefined, field: number) => fields?.[field - 3];

async function bootId(): Promise<string | undefined> {
  return (await readText('/proc/sys/kernel/random/boot_id'))?.trim() || undefined;
}

export async function ownIdentity(): Promise<ProcessIdentity> {
  return { pid: process.pid, host: os.hostname(), bootId: await bootId(), startTicks: fieldAt(await statFields(process.pid), 22) };
}

/** `other-host`: the holder ran on another machine (or container), whose processes cannot be checked from here. */
export type Liveness = 'alive' | 'dead' | 'other-host';

/** Whether a process with this pid exists on this machine (of any user). */
export function pidExists(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export async function livenessOf(holder: ProcessIdentity): Promise<Liveness> {
  if (holder.host !== os.hostname()) return 'other-host';
  const boot = await bootId();
  if (holder.bootId !== undefined && boot !== undefined && holder.bootId !== boot) return 'dead';
  if (!pidExists(holder.pid)) return 'dead';
  const fields = await statFields(holder.pid);
  // A zombie (killed, not yet reaped by its parent) still has its pid, but will never run again.
  const state = fieldAt(fields, 3);
  if (state === 'Z' || state === 'X') return 'dead';
  const startTicks = fieldAt(fields, 22);
  if (holder.startTicks !== undefined && startTicks !== undefined && startTicks !== holder.startTicks) return 'dead';
  return 'alive';
}
