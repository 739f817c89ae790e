// Worker-thread side of `scanBundle` (scan.ts): reads one archive off the main thread and posts
// the result back, or the refusal (code, message; `detail` only for the server log). Plain
// JavaScript on purpose, like emulator/runner/engine/guest-worker.js: a worker must start under
// tsx, vitest and plain node alike.
import { parentPort, workerData } from 'node:worker_threads';
import { ScanRefusal, scanArchive } from './archive-scan.js';

const { bytes, limits, mode, extractTo } = workerData;
try {
  const result = scanArchive(bytes, limits, { mode, extractTo });
  const transfer = mode === 'collect' ? [...new Set(result.entries.map((e) => e.data.buffer))] : [];
  parentPort.postMessage({ ok: true, result }, transfer);
} catch (err) {
  const refusal = err instanceof ScanRefusal
    ? { code: err.code, message: err.message, detail: err.detail }
    : { code: 'EXTRACT_FAILED', message: `reading the bundle failed unexpectedly: ${err?.name ?? 'Error'}`, detail: String(err?.stack ?? err) };
  parentPort.postMessage({ ok: false, refusal });
}
