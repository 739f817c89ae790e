import { readFile } from 'node:fs/promises';
import { describeError, executeFailedMessage } from '../../errors.ts';
import type { DebugEvent } from '../../contracts/debug-event.ts';
import type { HostCallRecord } from '../../contracts/host-call.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import type { ComponentLoader, LoadedComponent } from '../engine/component-loader.ts';
import type { WorkerPool } from '../engine/worker-pool.ts';
import { failure, successEnvelope, type ExecuteEnvelope } from './execute-response.ts';
import { toGuestRequest } from './guest-request.ts';
import type { ExecuteBody } from './request-body.ts';

/** Emits a debug-stream event scoped to the invocation. */
export type Emit = (level: DebugEvent['level'], message: string, stream?: DebugEvent['stream']) => void;

/** The engine a guest runs on: components loaded by `loader`, run on `pool`'s workers. */
export interface GuestEngine {
  loader: ComponentLoader;
  pool: WorkerPool;
}

/** What one run of a guest produced. */
export interface GuestRun {
  envelope: ExecuteEnvelope;
  hostCalls: HostCallRecord[];
  /** The instance's linear memory after a completed call. */
  memoryBytes: number | undefined;
  /** A completed call's handler time on its worker, host calls included (`InvocationUsage.guestMs`). */
  guestMs: number | undefined;
}

/**
 * Steps 7 and 8 of execute (spec 02): loads `wasmPath` (transpile, link check, memory cap),
 * runs its `handler` on a worker with `scope`, and turns the answer into the envelope (header
 * allowlist, base64 body) or any failure into `500 execute_failed: …`. Never throws. The Runner
 * and the cassette replayer both run guests through here, so a replay runs the guest as execute does.
 */
export async function invokeGuest(
  engine: GuestEngine,
  scope: InvocationScope,
  wasmPath: string,
  http: ExecuteBody['http'],
  limits: { memoryMb: number; timeoutMs: number },
  emit: Emit,
  /** `component` runs in place of `wasmPath` (the dev loop's fast path); `onFailure` hears a failure before its envelope is emitted. */
  options: { component?: LoadedComponent; onFailure?: (err: unknown) => void } = {},
): Promise<GuestRun> {
  try {
    const guestRequest = toGuestRequest(scope, http);
    const component = options.component ?? (await engine.loader.load(scope.contentHash, () => readWasm(wasmPath), limits.memoryMb));
    const result = await engine.pool.run(component, scope, guestRequest, limits.timeoutMs);
    const envelope = successEnvelope(result.response, (name) =>
      emit('warn', `response header "${name}" dropped: only content-type, cache-control, etag and x-ext-* reach the gateway`),
    );
    return { envelope, hostCalls: result.hostCalls, memoryBytes: result.timing.memoryBytes, guestMs: result.timing.callMs };
  } catch (err) {
    options.onFailure?.(err);
    const envelope = failure(500, executeFailedMessage(describeError(err)));
    emit('error', envelope.error ?? 'unknown failure');
    return { envelope, hostCalls: hostCallsOf(err), memoryBytes: undefined, guestMs: undefined };
  }
}

/** The host calls a failed invocation made before it failed (the worker pool attaches them). */
function hostCallsOf(err: unknown): HostCallRecord[] {
  const calls = (err as { hostCalls?: unknown } | null)?.hostCalls;
  return Array.isArray(calls) ? (calls as HostCallRecord[]) : [];
}

async function readWasm(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path));
}
