// How an `alga-emulator` process finds the emulator running on its data folder: the running
// emulator writes `running-emulator.json` (its main URL, Runner URL and pid) in the data folder
// when it listens and removes it on close. A file whose pid is gone (a crash, a kill -9) is
// ignored. No Express here.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Name of the file in the data folder. */
export const RUNNING_FILE = 'running-emulator.json';

/** What the file says. */
export interface RunningEmulatorInfo {
  /** The main port's base URL, connectable from this machine (a wildcard bind reads as loopback). */
  url: string;
  /** The emulator's own Runner. */
  runnerUrl: string;
  pid: number;
  /** Emulator-clock time of the start (ISO). */
  startedAt: string;
  /** Random per start: only the start that wrote the file removes it. */
  instance: string;
}

/** `http://0.0.0.0:3000` → `http://127.0.0.1:3000`, `http://[::]:3000` → `http://[::1]:3000`. */
export function connectableUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === '0.0.0.0') parsed.hostname = '127.0.0.1';
  else if (parsed.hostname === '[::]') parsed.hostname = '[::1]';
  return parsed.origin;
}

/**
 * Writes the file (atomically: a temp file renamed over it) and returns a remover that deletes it
 * only while it is still this start's (another start on the folder may have replaced it).
 */
export async function writeRunningFile(dataDir: string, info: Omit<RunningEmulatorInfo, 'instance'>): Promise<{ remove(): Promise<void> }> {
  const path = join(dataDir, RUNNING_FILE);
  const instance = randomUUID();
  const temp = `${path}.${instance}.tmp`;
  await writeFile(temp, `${JSON.stringify({ ...info, url: connectableUrl(info.url), runnerUrl: connectableUrl(info.runnerUrl), instance }, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return {
    remove: async () => {
      if (readRunningFile(dataDir)?.instance === instance) await rm(path, { force: true });
    },
  };
}

/** The file's content, or null when absent or unreadable (a half-written file never exists: it is renamed into place). */
export function readRunningFile(dataDir: string): RunningEmulatorInfo | null {
  try {
    const parsed = JSON.parse(readFileSync(join(dataDir, RUNNING_FILE), 'utf8')) as Partial<RunningEmulatorInfo>;
    if (typeof parsed.url !== 'string' || typeof parsed.runnerUrl !== 'string' || !Number.isInteger(parsed.pid) || typeof parsed.instance !== 'string') return null;
    return { url: parsed.url, runnerUrl: parsed.runnerUrl, pid: parsed.pid as number, startedAt: String(parsed.startedAt ?? ''), instance: parsed.instance };
  } catch {
    return null;
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything; EPERM: it exists, owned by another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The emulator running on `dataDir`, or null when there is no file or its process is gone. */
export function runningEmulatorOn(dataDir: string, isAlive: (pid: number) => boolean = processAlive): RunningEmulatorInfo | null {
  const info = readRunningFile(dataDir);
  return info && isAlive(info.pid) ? info : null;
}
