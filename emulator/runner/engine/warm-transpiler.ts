import { execFile, fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { executeFailed } from '../../errors.ts';

/** The jco child (plain JavaScript: one-shot, `--host-types` and `--warm` modes). */
const TRANSPILE_CHILD = fileURLToPath(new URL('./transpile-child.js', import.meta.url));

/** As much of a child's stderr as is kept for the error message (what `execFile` buffers too). */
const MAX_STDERR_BYTES = 1024 * 1024;

/** What a transpile child reported: success, or the text it wrote to stderr (trimmed). */
export type TranspileOutcome = { ok: true } | { ok: false; stderr: string };

/** An outcome and which child produced it (`warm`: a child started ahead of need). */
export type TranspileResult = TranspileOutcome & { by: 'warm' | 'cold' };

/** Runs the jco child once with `args` (see transpile-child.js) and reports how it ended. */
export function runColdTranspile(args: string[]): Promise<TranspileOutcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TRANSPILE_CHILD, ...args], { maxBuffer: MAX_STDERR_BYTES }, (err, _stdout, stderr) => {
      resolve(err ? { ok: false, stderr: stderr.trim() || err.message } : { ok: true });
    });
  });
}

/**
 * One jco child forked in warm mode: it loads jco and warms it on a dummy component of our world,
 * then serves exactly one job and exits. Never throws: a child that dies, fails its warm-up or
 * cannot be spawned just makes `whenReady()` false or `run` undefined.
 */
class WarmChild {
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;
  /** True once the child said it is warm; false when it ended (or failed to start) before that. */
  readonly #ready: Promise<boolean>;
  #answer: { ok: boolean } | undefined;
  #taken = false;
  #stderr = '';
  /** Stderr is kept only once a job was sent: the warm-up's own output is not the job's error. */
  #collecting = false;

  constructor(witPath: string) {
    // execArgv []: the Runner may run under a TypeScript loader the plain-JS child does not need.
    this.#child = fork(TRANSPILE_CHILD, ['--warm', witPath], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], execArgv: [] });
    lowestPriority(this.#child.pid);
    // 'close' comes after the exit and after stderr and the IPC channel were read to their end;
    // 'error' alone is what a child that could not be spawned emits.
    this.#exited = new Promise((resolve) => {
      this.#child.once('close', () => resolve());
      // Also what a failed kill or send emits: never thrown at the Runner.
      this.#child.on('error', () => {
        if (this.#child.pid === undefined) resolve();
      });
    });
    this.#child.stderr?.on('data', (chunk: Buffer) => {
      if (this.#collecting && this.#stderr.length < MAX_STDERR_BYTES) this.#stderr += chunk.toString();
    });
    this.#ready = new Promise((resolve) => {
      this.#child.on('message', (message: { type?: string; ok?: boolean }) => {
        if (message.type === 'ready') resolve(true);
        if (message.type === 'done') this.#answer = { ok: message.ok === true };
      });
      void this.#exited.then(() => resolve(false));
    });
    this.#hold(false);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Resolves once the process is gone (exited, killed, or never started). */
  get exited(): Promise<void> {
    return this.#exited;
  }

  /** Transpiles `input` into `outDir`; undefined when the child ended without answering. */
  async run(input: string, outDir: string): Promise<TranspileOutcome | undefined> {
    this.#collecting = true;
    this.#child.send({ type: 'transpile', input, outDir }, (err) => {
      if (err) this.kill();
    });
    await this.#exited;
    if (!this.#answer) return undefined;
    return this.#answer.ok ? { ok: true } : { ok: false, stderr: this.#stderr.trim() || `the transpile child exited with code ${this.#child.exitCode}` };
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  /** Kills the child and resolves once it is gone, keeping the process alive until then. */
  async stop(): Promise<void> {
    this.#hold(true);
    this.kill();
    await this.#exited;
  }

  /** An idle child must not keep the Runner's process alive; one at work (or awaited) must. */
  #hold(held: boolean): void {
    const handles = [this.#child, this.#child.channel, this.#child.stderr as (NodeJS.ReadableStream & { ref?: () => void; unref?: () => void }) | null];
    for (const handle of handles) {
      if (held) handle?.ref?.();
      else handle?.unref?.();
    }
  }

  /** Called when the child is taken for a job: from then on the process waits for it. */
  take(): this {
    this.#taken = true;
    this.#hold(true);
    return this;
  }

  /** `ready`, keeping the process alive while it waits (an idle child does not). */
  async whenReady(): Promise<boolean> {
    this.#hold(true);
    const ready = await this.#ready;
    if (!this.#taken) this.#hold(false);
    return ready;
  }
}

/**
 * Gives a warm child's main thread the lowest priority (nice 19) right after the fork, so the
 * threads it starts inherit it. Where that is not allowed the child only lowers itself.
 */
function lowestPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, 19);
  } catch {
    // Not allowed here, or the child is already gone.
  }
}

/** How long after start-up (or after a transpile) the next warm child is forked, by default. */
export const WARM_START_DELAY_MS = 1000;

/**
 * Keeps one warm jco child started ahead of need, so the first transpile of a never-seen bundle
 * skips node's start-up, jco's import and jco's own compile (a cold child on a 12 MB
 * component's skeleton takes ~0.8 s, of which the transpile itself is ~0.3 s). A
 * transpile takes the waiting child, ready or still warming up (it then cuts its warm-up short);
 * when there is none, or it died without answering, it runs a cold child as before. After each
 * transpile the next warm child starts in the background. One child serves one job and exits, so
 * its memory (~180 MB peak on a 12 MB component's skeleton) goes back to the OS.
 */
export class WarmTranspiler {
  readonly #witPath: string;
  readonly #startDelayMs: number;
  /** The child waiting for the next job (ready or still warming up). */
  #next: WarmChild | undefined;
  /** Pending fork of the next child (see `startDelayMs`), and who waits for it (`whenReady`). */
  #timer: NodeJS.Timeout | undefined;
  #timerWaiters: (() => void)[] = [];
  /** Children taken for a job and not yet gone: `close()` kills them too. */
  readonly #busy = new Set<WarmChild>();
  /** Transpiles in flight (warm or cold): no warm-up starts beside one; the last to end schedules it. */
  #transpiling = 0;
  #closed = false;

  /**
   * `witPath`: the world the dummy warm-up component is built from (our WIT). `startDelayMs`: the
   * warm-up (~0.8 s of CPU) waits that long, so it does not compete with the Runner's own start-up
   * or with the compile and first call that follow a transpile (a transpile in the meantime runs
   * cold); 0 forks at once.
   */
  constructor(witPath: string, options: { startDelayMs?: number } = {}) {
    this.#witPath = witPath;
    this.#startDelayMs = options.startDelayMs ?? WARM_START_DELAY_MS;
  }

  /**
   * Starts a warm child after `startDelayMs` unless one is ready, starting or due, or a transpile
   * is running (its end calls this again); no-op once closed.
   */
  start(): void {
    if (this.#closed || this.#next || this.#timer || this.#transpiling > 0) return;
    if (this.#startDelayMs === 0) return this.#fork();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#transpiling === 0) this.#fork();
      for (const resolve of this.#timerWaiters.splice(0)) resolve();
    }, this.#startDelayMs);
    this.#timer.unref();
  }

  /**
   * Forks the warm child now rather than after the start delay, for a Runner that has no
   * start-up work for it to compete with (nothing to preload); no-op when a child is waiting, a
   * transpile runs, or it is closed.
   */
  startNow(): void {
    if (this.#closed || this.#next || this.#transpiling > 0) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#fork();
    for (const resolve of this.#timerWaiters.splice(0)) resolve();
  }

  #fork(): void {
    if (this.#closed) return;
    const child = new WarmChild(this.#witPath);
    this.#next = child;
    // A child killed from outside (or failing its warm-up) is dropped; the next transpile runs cold.
    void child.exited.then(() => {
      if (this.#next === child) this.#next = undefined;
    });
  }

  /** The waiting child's process id (undefined when none is ready or starting yet): for tests and logs. */
  get pid(): number | undefined {
    return this.#next?.pid;
  }

  /**
   * Whether the waiting child finished its warm-up, after its delayed fork if one is due (false
   * when there is none or it ended first). A pending fork does not keep the process alive.
   */
  async whenReady(): Promise<boolean> {
    if (this.#timer) await new Promise<void>((resolve) => this.#timerWaiters.push(resolve));
    return (await this.#next?.whenReady()) ?? false;
  }

  /**
   * Transpiles `input` into `outDir` in the warm child, else in a cold one; then starts the next
   * warm child. Rejects only when `close()` killed the child at work.
   */
  async transpile(input: string, outDir: string): Promise<TranspileResult> {
    const child = this.#next?.take();
    this.#next = undefined;
    if (child) this.#busy.add(child);
    this.#transpiling++;
    try {
      // Sent at once: a child still warming up skips the rest of its warm-up.
      const warm = child ? await child.run(input, outDir) : undefined;
      if (warm) return { ...warm, by: 'warm' };
      if (child && this.#closed) throw executeFailed('the component transpile was stopped: the Runner is closing. Retry on a running Runner.');
      return { ...(await runColdTranspile([input, outDir])), by: 'cold' };
    } finally {
      if (child) this.#busy.delete(child);
      this.#transpiling--;
      this.start();
    }
  }

  /** Kills the warm children and waits until they are gone; later transpiles run cold children. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const resolve of this.#timerWaiters.splice(0)) resolve();
    const children = [...this.#busy, ...(this.#next ? [this.#next] : [])];
    this.#next = undefined;
    await Promise.all(children.map((child) => child.stop()));
  }
}
