import { Worker } from 'node:worker_threads';
import { EmulatorError, isErrorCode } from '../errors.ts';
import type { CollectedEntry, ScanMode, ScanResult } from './archive-scan.js';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './limits.ts';

export type { CollectedEntry, ScannedEntry, ScanResult } from './archive-scan.js';

const WORKER_URL = new URL('./archive-worker.js', import.meta.url);

/**
 * The worker's own heap stays small: archive bytes and file data live outside it, and the
 * decoder's window is capped by `maxZstdWindowBytes`.
 */
const WORKER_RESOURCES = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 };

export interface ScanOptions {
  /** Also write every entry: archive paths under `ui/` into `ui` (prefix stripped), the rest into `bundle`. Both are created. */
  extractTo?: { bundle: string; ui: string };
}

/**
 * Reads a `bundle.tar.zst` once, on a worker thread, under `limits`, applying the entry rules
 * that finalize and the Runner share: unsafe paths, links, duplicates, file/folder clashes and
 * unreadable data are refused with their own codes; hidden paths are skipped. Returns the
 * entries, the text of each `manifest.json` candidate, and what was skipped.
 *
 * @example const scan = await scanBundle(bytes, limits); scan.manifests[0]?.text
 * @example await scanBundle(bytes, limits, { extractTo: { bundle: work + '/bundle', ui: work + '/ui' } })
 */
export function scanBundle(bytes: Uint8Array, limits: ArchiveLimits, options: ScanOptions = {}): Promise<ScanResult> {
  return runWorker(bytes, limits, options.extractTo ? 'extract' : 'validate', options.extractTo) as Promise<ScanResult>;
}

/**
 * Every raw member with its data (paths as stored, links included), under the size limits;
 * `refusals` lists every entry `scanBundle` would refuse the archive for. For the doctor and tests.
 */
export function collectBundle(bytes: Uint8Array, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<ScanResult<CollectedEntry>> {
  return runWorker(bytes, limits, 'collect', undefined) as Promise<ScanResult<CollectedEntry>>;
}

interface WorkerReply {
  ok: boolean;
  result?: ScanResult<unknown>;
  refusal?: { code: string; message: string; detail?: string };
}

function runWorker(bytes: Uint8Array, limits: ArchiveLimits, mode: ScanMode, extractTo: ScanOptions['extractTo']): Promise<ScanResult<unknown>> {
  // A private copy is transferred: the caller's buffer may be a pooled slice or still in use.
  const copy = new Uint8Array(bytes);
  return new Promise((resolve, reject) => {
    let settled = false;
    const worker = new Worker(WORKER_URL, {
      workerData: { bytes: copy, limits: { ...limits }, mode, extractTo },
      transferList: [copy.buffer],
      resourceLimits: WORKER_RESOURCES,
      // Plain JavaScript: no loader hooks (tsx, vitest) to start, which would cost ~150 ms and memory per read.
      execArgv: [],
    });
    worker.once('message', (reply: WorkerReply) => {
      settled = true;
      if (reply.ok && reply.result) resolve(reply.result);
      else reject(toError(reply.refusal));
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      const outOfMemory = (err as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      reject(new EmulatorError('EXTRACT_FAILED', outOfMemory
        ? 'reading the bundle ran out of memory. Fix: lower the archive limits (EXT_BUNDLE_MAX_*) or shrink the bundle.'
        : 'reading the bundle failed unexpectedly on its worker thread. Fix: see the server log.', { cause: err }));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new EmulatorError('EXTRACT_FAILED', `the bundle reader stopped (exit code ${code}) before answering. Fix: see the server log.`));
    });
  });
}

/** The worker's refusal as an EmulatorError; `detail` (may name absolute paths) only as the cause. */
function toError(refusal: WorkerReply['refusal']): EmulatorError {
  const code = refusal && isErrorCode(refusal.code) ? refusal.code : 'EXTRACT_FAILED';
  const message = refusal?.message ?? 'reading the bundle failed without a reason. Fix: see the server log.';
  return new EmulatorError(code, message, refusal?.detail ? { cause: new Error(refusal.detail) } : {});
}
