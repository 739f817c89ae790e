import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS, SERVER_PROCESS_ENV } from '../../emulator/cli/server-env.ts';

const RUNNER_CLI = fileURLToPath(new URL('../../emulator/cli/bin/runner.ts', import.meta.url));
const ECHO_SERVER = fileURLToPath(new URL('./echo-server.ts', import.meta.url));
const EMULATOR = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));

/** A server in its own process (`npm run runner`, as users run it); the bench measures it from outside. */
export interface RunnerProcess {
  url: string;
  pid: number;
  /** Peak resident set of the Runner process (main thread + guest workers), from /proc. */
  peakRssMb(): number;
  /** The server's last log lines at level warn or error (kept so a failed figure can say why). */
  recentProblems(): string[];
  stop(): Promise<void>;
}

/**
 * `env` adds Runner settings (e.g. `RUNNER_WORKERS`) to the inherited environment. Like the
 * Runner and emulator servers users start, with the servers' environment and Node options (server-env.ts).
 */
export function startRunnerProcess(dataDir: string, env: Record<string, string> = {}): Promise<RunnerProcess> {
  return startServerProcess(RUNNER_CLI, 'runner listening', { ...SERVER_PROCESS_ENV, ...env, PORT: '0', EMULATOR_DATA_DIR: dataDir }, SERVER_NODE_FLAGS);
}

/** The whole emulator (main port + Runner on `runnerPort`) with a known dev API key. */
export function startEmulatorProcess(dataDir: string, runnerPort: number, apiKey: string): Promise<RunnerProcess> {
  return startServerProcess(EMULATOR, 'emulator listening', { ...SERVER_PROCESS_ENV, EMULATOR_DATA_DIR: dataDir, RUNNER_PORT: String(runnerPort), ALGA_API_KEY: apiKey, EMULATOR_DEV_TOKEN: 'bench-dev-token', EXT_GATEWAY_RATE_LIMIT: 'off' }, SERVER_NODE_FLAGS);
}

/** The bare Express echo (the floor), also in its own process. */
export function startEchoProcess(): Promise<RunnerProcess> {
  return startServerProcess(ECHO_SERVER, 'echo listening', {});
}

async function startServerProcess(script: string, readyMsg: string, env: Record<string, string>, nodeFlags: readonly string[] = []): Promise<RunnerProcess> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // A figure that throws ends the bench without its stop(): the server must not outlive it (a
  // leftover Runner and its warm jco child kept running for an hour after one such failure).
  const killWithParent = () => child.kill('SIGKILL');
  process.once('exit', killWithParent);
  child.once('exit', () => process.off('exit', killWithParent));
  const url = await listeningUrl(child, readyMsg);
  const pid = child.pid as number;
  const problems = keepProblemLines(child);
  return {
    url,
    pid,
    recentProblems: () => [...problems],
    peakRssMb: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
    },
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** How many warn/error log lines a server process keeps. */
const PROBLEMS_KEPT = 20;

/** The child's stdout lines at level warn or error, the last PROBLEMS_KEPT of them. */
function keepProblemLines(child: ChildProcess): string[] {
  const kept: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!/"level":"(warn|error)"/.test(line)) continue;
      kept.push(line.slice(0, 2000));
      if (kept.length > PROBLEMS_KEPT) kept.shift();
    }
  });
  return kept;
}

/**
 * The URL from the server's ready line. Stops reading the output once it has it: the servers log
 * a line per guest call, and scanning everything read so far on every chunk made each call of the
 * bench's client slower than the last (the Runner's p50 from 2.3 to 4-5 ms over 12000 calls).
 */
export function listeningUrl(child: Pick<ChildProcess, 'once' | 'off' | 'stdout'>, readyMsg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const pattern = new RegExp(`"msg":"${readyMsg}","url":"([^"]+)"`);
    let partial = '';
    const onExit = (code: number | null) => reject(new Error(`runner exited with ${code} before listening`));
    const onData = (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      const url = lines.map((line) => pattern.exec(line)?.[1]).find(Boolean);
      if (url === undefined) return;
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      resolve(url);
    };
    child.once('exit', onExit);
    child.stdout?.on('data', onData);
  });
}
