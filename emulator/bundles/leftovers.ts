// Conventions that let start-up repair tell a dead writer's leftovers from a live writer's work:
// every temp file, work folder and in-flight publish names its owner process. Two emulators in one
// process, or an emulator and the `alga-emulator` CLI on one data folder, never remove each
// other's work in flight: only the leftovers of processes that no longer run are removed.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * When a process started, in clock ticks since boot (`/proc/{pid}/stat` field 22), or null where
 * there is no /proc (macOS) or no such process. With the pid it names one process for good: a
 * container restarted under the same pid has another start time.
 */
function startTicks(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is parenthesised and may hold spaces: state is field 3.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3] ?? null;
  } catch {
    return null;
  }
}

/** This process as an owner: `{pid}-{start ticks}` (`0` where the start time is unknown). Fixed for the process's life. */
const OWN_OWNER = `${process.pid}-${startTicks(process.pid) ?? '0'}`;

/**
 * The owner string of this process, as recorded in the registry's publish journal and staged uploads.
 *
 * @example processOwner() // '4242-1234567'
 */
export function processOwner(): string {
  return OWN_OWNER;
}

/**
 * A unique name part that names the writing process: `{pid}-{start}-{uuid}`.
 *
 * @example `.bundle.tar.zst.${ownedTempTag()}.tmp` // '.bundle.tar.zst.4242-1234567-<uuid>.tmp'
 */
export function ownedTempTag(): string {
  return `${OWN_OWNER}-${randomUUID()}`;
}

/** Matches an owner string inside a name: pid and start ticks. */
export const OWNER_PATTERN = '\\d+-\\d+';

/**
 * True when the leftover's owner no longer runs, so the leftover may be removed. `owner` is a
 * `processOwner()` string, or null when none was recorded (written before owners were): gone.
 * A live pid whose start time differs is a reused pid: gone. Without /proc a live pid counts as
 * the owner; the leftover then waits for a later start, which is harmless.
 */
export function ownerIsGone(owner: string | null): boolean {
  if (owner === null) return true;
  const match = /^(\d+)-(\d+)$/.exec(owner);
  if (!match) return true;
  const pid = Number(match[1]);
  if (!isProcessAlive(pid)) return true;
  const started = startTicks(pid);
  return started !== null && match[2] !== '0' && started !== match[2];
}

/** Signal 0 only probes; EPERM means the process runs under another user. */
function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
