// Child process that transpiles one component with jco and exits. Transpiling is a one-time,
// memory-hungry compile step (jco's bindgen grows to hundreds of MB for a 12 MB component), so it
// runs out of the Runner's process and its memory is returned to the OS when it exits.
// Plain JavaScript so it starts under plain node.
// Usage: node transpile-child.js <in.wasm> <outDir>
//        node transpile-child.js --host-types <world.wit> <out.json>
//        node transpile-child.js --warm <world.wit>   (forked with an IPC channel; see warm-transpiler.ts)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setImmediate } from 'node:timers/promises';
import { readJcoDebugOnce } from './glue-rewrite.js';
import { lowestPriorityForAllThreads } from './thread-priority.js';

// jco is imported where it is used, so that warm mode listens for its job before the ~0.3 s import.
const jco = () => import('@bytecodealliance/jco-transpile');

/** The one set of jco options: the warm-up must compile the same code paths as the real transpile. */
const TRANSPILE_OPTIONS = {
  name: 'main',
  instantiation: 'async',
  emitTypescriptDeclarations: true,
  wasiShim: false,
  base64Cutoff: Number.MAX_SAFE_INTEGER,
};

async function hostTypes(witPath, outFile) {
  const files = await (await jco()).generateHostTypes(witPath, { worldName: 'runner' });
  const texts = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]));
  await writeFile(outFile, JSON.stringify(texts));
}

async function transpile(input, outDir) {
  const result = await (await jco()).transpileBytes(new Uint8Array(await readFile(input)), TRANSPILE_OPTIONS);
  for (const [name, bytes] of Object.entries(result.files)) {
    if (name === 'main.js' || name.endsWith('.wasm') || name.startsWith('interfaces/')) {
      await mkdir(dirname(join(outDir, name)), { recursive: true });
      await writeFile(join(outDir, name), name === 'main.js' ? readJcoDebugOnce(new TextDecoder().decode(bytes)) : bytes);
    }
  }
  await writeFile(join(outDir, 'meta.json'), JSON.stringify({ imports: result.imports, exports: result.exports.map(([n]) => n) }));
}

/** Writes the failure to stderr (the parent reports that text) and returns the exit code. */
function reportFailure(err) {
  process.stderr.write(String(err instanceof Error ? err.message : err));
  return 2;
}

/**
 * Warm mode: loads jco and transpiles a dummy component of our world (jco's own wasm is compiled
 * and warmed by it, so the job runs on warmed code), says
 * `{ type: 'ready' }`, and serves exactly one `{ type: 'transpile', input, outDir }` job, answers
 * `{ type: 'done', ok }` and exits so the job's memory goes back to the OS. A job sent before the
 * warm-up ended runs as soon as the current warm-up step is done. A failed job writes its message
 * to stderr as the one-shot mode does. Exits when the parent goes away.
 */
async function warm(witPath) {
  // Work ahead of need: it must not slow the Runner's calls (the parent lowered this process's
  // main thread at the fork; Node's and V8's own threads may have started before that).
  lowestPriorityForAllThreads();
  process.once('disconnect', () => process.exit(0));
  let waiting = false;
  const job = new Promise((resolve) => process.once('message', resolve));
  void job.then(() => (waiting = true));
  await warmUp(witPath, () => waiting);
  process.send({ type: 'ready' });
  const { input, outDir } = await job;
  let code = 0;
  try {
    await transpile(input, outDir);
  } catch (err) {
    code = reportFailure(err);
  }
  process.send({ type: 'done', ok: code === 0 }, () => process.exit(code));
}

/** Lets the IPC channel deliver a job that arrived during the step before. */
const pause = () => setImmediate();

/** The warm-up, step by step; stops between steps once `jobWaiting()`. */
async function warmUp(witPath, jobWaiting) {
  const { transpileBytes } = await jco();
  await pause();
  if (jobWaiting()) return;
  const { componentEmbed, componentNew } = await import('@bytecodealliance/jco-transpile/wasm-tools');
  const core = await componentEmbed({ dummy: true, witSource: await readFile(witPath, 'utf8'), world: 'runner' });
  await pause();
  if (jobWaiting()) return;
  const dummy = await componentNew(core);
  await pause();
  if (jobWaiting()) return;
  await transpileBytes(dummy, TRANSPILE_OPTIONS);
}

try {
  const args = process.argv.slice(2);
  if (args[0] === '--host-types') await hostTypes(args[1], args[2]);
  else if (args[0] === '--warm') await warm(args[1]);
  else await transpile(args[0], args[1]);
} catch (err) {
  process.exit(reportFailure(err));
}
