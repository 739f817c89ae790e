/**
 * `replay(cassette, bundle)`: runs a build against recorded calls, offline. Each call's request
 * goes through the Runner's own guest path (invoke-guest.ts: jco transpile, link check, worker
 * thread, envelope), with host imports answered from the recording (replay-host-table.ts), and
 * the answer and host calls are compared with the recorded ones (differences.ts).
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleCache, computeContentHash } from '../bundles/index.ts';
import { importShape, resolveGrants } from '../capabilities/index.ts';
import type { HostCallRecord } from '../contracts/host-call.ts';
import type { InvocationScope } from '../contracts/invocation.ts';
import { EmulatorError, describeError } from '../errors.ts';
import { loadRunnerConfig } from '../runner/config.ts';
import { ComponentLoader } from '../runner/engine/component-loader.ts';
import { WorkerPool } from '../runner/engine/worker-pool.ts';
import { effectiveTimeoutMs } from '../runner/execute/effective-timeout.ts';
import type { ExecuteEnvelope } from '../runner/execute/execute-response.ts';
import { toInvocationUser } from '../runner/execute/guest-request.ts';
import { invokeGuest, type GuestEngine } from '../runner/execute/invoke-guest.ts';
import { WIT_PATH } from '../wit/world.ts';
import { parseCassette, readCassette, type Cassette, type CassetteCall } from './cassette.ts';
import { envelopeDifferences, formatDifference, type CallIdentity, type ReplayDifference } from './differences.ts';
import { ReplayCursor, replayHostTable } from './replay-host-table.ts';

/** A build to replay: an extension folder (with `dist/main.wasm`), a `.tar.zst` path, or archive bytes. */
export type ReplaySource = string | Uint8Array;

export interface ReplayOptions {
  /**
   * Where the bundle is extracted and its component transpiled (reused across replays); default a
   * temporary folder removed afterwards. An emulator's `EXT_CACHE_ROOT` reuses its transpiles.
   */
  cacheDir?: string;
  /** Calls replayed at once, each on its own worker thread; default 1. */
  concurrency?: number;
}

/** One replayed call: who it was, the verdict, what differed, and what the replay produced. */
export interface ReplayedCall {
  identity: CallIdentity;
  verdict: 'same' | 'different';
  differences: ReplayDifference[];
  /** The replayed build's envelope and host calls (as the ledger records them). */
  replayed: { envelope: ExecuteEnvelope; hostCalls: HostCallRecord[] };
}

/** What `replay` found, per call in cassette order. */
export interface ReplayReport {
  cassette: { version: number; recordedAt: string; calls: number };
  bundle: { contentHash: string };
  calls: ReplayedCall[];
  /** How many calls have at least one difference. */
  differing: number;
  /** True when every call replayed the same. */
  ok: boolean;
}

/**
 * Replays every call of `cassette` (the object, or the path of a file `emu.record()` wrote)
 * against `bundle`, offline: no emulator, registry, storage or network. Resolves to the report;
 * rejects only when the cassette or the bundle cannot be read.
 *
 * @example
 * const report = await replay('traffic.cassette.json', './my-extension');
 * if (!report.ok) console.log(formatReplayReport(report));
 */
export async function replay(cassette: Cassette | string, bundle: ReplaySource, options: ReplayOptions = {}): Promise<ReplayReport> {
  const tape = typeof cassette === 'string' ? await readCassette(cassette) : parseCassette(JSON.stringify(cassette));
  const source = await readSource(bundle);
  const temp = options.cacheDir === undefined ? await mkdtemp(join(tmpdir(), 'alga-replay-')) : undefined;
  const cacheRoot = options.cacheDir ?? (temp as string);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const config = loadRunnerConfig({}, { dataDir: cacheRoot, cacheRoot });
  const cursors = new Map<InvocationScope, ReplayCursor>();
  const shape = importShape();
  const pool: WorkerPool = new WorkerPool({
    size: concurrency, perExtension: concurrency, spare: 0, importShape: shape,
    hostTable: replayHostTable(shape, (scope) => cursors.get(scope)),
  });
  const engine: GuestEngine = { pool, loader: new ComponentLoader({ cacheRoot, witPath: WIT_PATH, onGlueReady: (url) => pool.preloadGlue(url) }) };
  try {
    await engine.loader.hostDeclarations();
    const wasmPath = source.wasmPath ?? join((await new BundleCache({ root: cacheRoot, limits: config.archiveLimits }).ensureExtracted(source.contentHash, () => Promise.resolve(source.bytes))).bundleRoot, 'dist', 'main.wasm');
    if (!(await isFile(wasmPath))) throw sourceInvalid(`${describeSource(bundle)} has no dist/main.wasm`, 'build the component first');
    const run = (call: CassetteCall, index: number) => {
      const limits = {
        memoryMb: call.request.limits?.memory_mb ?? config.defaultMemoryMb,
        timeoutMs: effectiveTimeoutMs(call.request.limits?.timeout_ms ?? config.defaultTimeoutMs),
      };
      return replayCall(engine, cursors, call, index, { contentHash: source.contentHash, wasmPath, limits });
    };
    const calls = await mapLimit(tape.calls, concurrency, run);
    const differing = calls.filter((c) => c.verdict === 'different').length;
    return {
      cassette: { version: tape.version, recordedAt: tape.recordedAt, calls: tape.calls.length },
      bundle: { contentHash: source.contentHash },
      calls,
      differing,
      ok: differing === 0,
    };
  } finally {
    await pool.close();
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

/**
 * The report as text: a summary line, then one line per difference naming its call.
 * @example formatReplayReport(report) // 'replay of 2 calls against sha256:ab12…: 1 differs\ncall 2 GET /empty-body (request r-2): status 204 → 200'
 */
export function formatReplayReport(report: ReplayReport): string {
  const n = report.cassette.calls;
  const verdict = report.ok ? 'no differences' : `${report.differing} ${report.differing === 1 ? 'differs' : 'differ'}`;
  const lines = [`replay of ${n} ${n === 1 ? 'call' : 'calls'} against ${report.bundle.contentHash.slice(0, 19)}…: ${verdict}`];
  for (const call of report.calls) {
    for (const difference of call.differences) lines.push(formatDifference(call.identity, difference));
  }
  return lines.join('\n');
}

interface ReplayTarget {
  contentHash: string;
  wasmPath: string;
  limits: { memoryMb: number; timeoutMs: number };
}

async function replayCall(engine: GuestEngine, cursors: Map<InvocationScope, ReplayCursor>, call: CassetteCall, index: number, target: ReplayTarget): Promise<ReplayedCall> {
  const { context, http } = call.request;
  const scope: InvocationScope = {
    requestId: call.requestId,
    tenantId: context.tenant_id,
    extensionId: context.extension_id,
    installId: context.install_id ?? undefined,
    versionId: context.version_id ?? undefined,
    contentHash: target.contentHash,
    grants: resolveGrants(call.request.providers ?? []).grants,
    user: toInvocationUser(call.request.user),
    // Secret values never enter a cassette: `secrets.get` answers the recorded "[redacted]".
    secrets: undefined,
    emit: () => undefined,
  };
  const cursor = new ReplayCursor(call.hostCalls);
  cursors.set(scope, cursor);
  let run;
  try {
    run = await invokeGuest(engine, scope, target.wasmPath, http, target.limits, scope.emit);
  } finally {
    cursors.delete(scope);
  }
  const identity: CallIdentity = {
    index: index + 1,
    requestId: call.requestId,
    method: http.method,
    path: pathWithQuery(http.path, http.query),
    tenantId: context.tenant_id,
    extensionId: context.extension_id,
    installId: context.install_id ?? undefined,
  };
  const differences = callDifferences(call.response, run.envelope, cursor);
  return { identity, verdict: differences.length === 0 ? 'same' : 'different', differences, replayed: { envelope: run.envelope, hostCalls: run.hostCalls } };
}

/**
 * Host-call differences first. When the replay trapped the guest for a call the recording does
 * not have, the answer that followed is the replay's doing and is not compared; recorded calls a
 * failed replay never reached are not listed (its error says why).
 */
function callDifferences(recorded: ExecuteEnvelope, replayed: ExecuteEnvelope, cursor: ReplayCursor): ReplayDifference[] {
  if (cursor.stopped) return cursor.differences;
  const reachedTheEnd = replayed.error === null || replayed.error === recorded.error;
  return [...(reachedTheEnd ? cursor.finish() : cursor.differences), ...envelopeDifferences(recorded, replayed)];
}

function pathWithQuery(path: string, query: Record<string, string> | null | undefined): string {
  if (!query || Object.keys(query).length === 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(query).toString()}`;
}

/**
 * An archive (bytes or a file) is extracted as the Runner extracts it; a folder's
 * `dist/main.wasm` is run where it is (the Runner never reads anything else of a bundle), keyed
 * by the hash of the component's bytes.
 */
async function readSource(source: ReplaySource): Promise<{ bytes: Uint8Array; contentHash: string; wasmPath?: string }> {
  if (source instanceof Uint8Array) return { bytes: source, contentHash: computeContentHash(source) };
  let bytes: Uint8Array;
  try {
    const wasmPath = join(source, 'dist', 'main.wasm');
    if ((await stat(source)).isDirectory()) {
      if (!(await isFile(wasmPath))) throw sourceInvalid(`${source} has no dist/main.wasm`, 'build the component first');
      return { bytes: new Uint8Array(0), contentHash: computeContentHash(new Uint8Array(await readFile(wasmPath))), wasmPath };
    }
    bytes = new Uint8Array(await readFile(source));
  } catch (err) {
    if (err instanceof EmulatorError) throw err;
    throw sourceInvalid(`${source} cannot be read (${describeError(err)})`, 'pass an extension folder, a bundle.tar.zst or its bytes');
  }
  return { bytes, contentHash: computeContentHash(bytes) };
}

function describeSource(source: ReplaySource): string {
  return typeof source === 'string' ? source : `the bundle of ${source.byteLength} bytes`;
}

function sourceInvalid(why: string, fix: string): EmulatorError {
  return new EmulatorError('REPLAY_SOURCE_INVALID', `Failed to replay: ${why}. Fix: ${fix}.`);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** `items` mapped by `fn` with at most `limit` running at once, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(lanes);
  return results;
}
