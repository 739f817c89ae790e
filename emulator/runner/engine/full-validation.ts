import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * V8's option that validates a wasm function when it is first compiled rather than when the
 * module is compiled. The servers start with it (server-env.ts): a Runner restart compiles the
 * core modules it cached earlier, which were fully validated when they were first loaded, and
 * their validation was most of that compile (about 40 ms of hello-host's 12 MB module here).
 */
export const LAZY_VALIDATION_FLAG = '--wasm-lazy-validation';

const CHILD = fileURLToPath(new URL('./validate-child.js', import.meta.url));
/** Below this a module is validated in place (`WebAssembly.validate` is synchronous). */
const IN_PLACE_MAX_BYTES = 64 * 1024;

/** Whether this process compiles wasm with lazy validation (the last of the option's spellings wins). */
export function lazyValidationOn(execArgv: readonly string[] = process.execArgv): boolean {
  const last = execArgv.findLast((arg) => arg === LAZY_VALIDATION_FLAG || arg === '--no-wasm-lazy-validation');
  return last === LAZY_VALIDATION_FLAG;
}

/**
 * Validates every function of a core module that has never been loaded, in a process where
 * `WebAssembly.compile` no longer does (lazy validation): resolves when it is valid, rejects with
 * the `CompileError` (and message) a default compile would have given. `WebAssembly.validate`
 * still checks everything but says only yes or no, so a large module, and any invalid one, is
 * compiled in a child process without the option, off this thread.
 */
export async function validateFully(bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  if (bytes.byteLength <= IN_PLACE_MAX_BYTES && WebAssembly.validate(bytes)) return;
  const message = await compileErrorInChild(bytes);
  if (message !== undefined) throw new WebAssembly.CompileError(message);
}

/** The message of the error compiling `bytes` in a fresh Node process; undefined when it compiles. */
function compileErrorInChild(bytes: Uint8Array): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) resolve(undefined);
      else if (code === 2) resolve(stdout);
      else reject(new Error(`the wasm validation child exited with ${code}: ${stderr.trim()}`));
    });
    // A child that exits before reading everything closes the pipe: its exit code says why.
    child.stdin.once('error', () => undefined);
    child.stdin.end(bytes);
  });
}
