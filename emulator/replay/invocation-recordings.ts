/**
 * The Runner's side of recording: who listens for which install's calls, and the host calls of
 * each invocation being recorded, in full. Costs one Set check per execute when nobody listens.
 */
import type { InvocationScope } from '../contracts/invocation.ts';
import { REDACTED, redactSecrets, secretValues } from '../runner/engine/host-call-values.ts';
import type { HostCallTap } from '../runner/engine/worker-pool.ts';
import type { ExecuteEnvelope } from '../runner/execute/execute-response.ts';
import type { ExecuteBody } from '../runner/execute/request-body.ts';
import { recordedRequest, type CassetteCall, type CassetteHostCall } from './cassette.ts';
import { encodeValue } from './cassette-values.ts';

/** Which calls a recording listener hears; an absent field matches any value. */
export interface RecordFilter {
  tenantId?: string;
  extensionId?: string;
  installId?: string;
}

/** Hears each recorded call once the guest answered. */
export type RecordListener = (call: CassetteCall) => void;

/** An invocation being recorded; `finish` hands it to the listeners. */
export interface OpenRecording {
  finish(body: ExecuteBody, envelope: ExecuteEnvelope): void;
}

interface Subscription {
  filter: RecordFilter;
  listener: RecordListener;
}

/**
 * Whose `get` result a cassette always keeps as `"[redacted]"` (as the ledger does). A cassette is
 * a file meant to be kept and shared, so it follows production's rule that plaintext secrets never
 * land in logs, crash reports or caches (Nine-Minds/alga-psa
 * ee/docs/plans/2025-10-29-extension-runtime-metadata-plan.md, "Security").
 */
const SECRETS_INTERFACE = 'alga:extension/secrets';

export class InvocationRecordings {
  readonly #subscriptions = new Set<Subscription>();
  readonly #open = new Map<InvocationScope, CassetteHostCall[]>();
  readonly #onListenerError: (err: unknown) => void;

  /** `onListenerError` hears a listener's throw (the call's answer never changes). */
  constructor(onListenerError: (err: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Starts hearing calls that match `filter`; returns the function that stops it. */
  subscribe(filter: RecordFilter, listener: RecordListener): () => void {
    const subscription = { filter: { ...filter }, listener };
    this.#subscriptions.add(subscription);
    return () => {
      this.#subscriptions.delete(subscription);
    };
  }

  /** Starts recording the invocation of `scope` when a listener wants it; undefined otherwise. */
  begin(scope: InvocationScope): OpenRecording | undefined {
    if (this.#subscriptions.size === 0) return undefined;
    const listeners = [...this.#subscriptions].filter((s) => matches(s.filter, scope)).map((s) => s.listener);
    if (listeners.length === 0) return undefined;
    const hostCalls: CassetteHostCall[] = [];
    this.#open.set(scope, hostCalls);
    return {
      finish: (body, envelope) => {
        this.#open.delete(scope);
        const call: CassetteCall = {
          ...(scope.requestId === undefined ? {} : { requestId: scope.requestId }),
          request: recordedRequest(body),
          hostCalls: hostCalls.filter((c) => c !== undefined),
          response: redactEnvelope(envelope, secretValues(scope.secrets)),
        };
        for (const listener of listeners) {
          try {
            listener(call);
          } catch (err) {
            this.#onListenerError(err);
          }
        }
      },
    };
  }

  /** The worker pool's `onHostCall`: keeps the call in full when its invocation is being recorded. */
  hostCall(scope: InvocationScope, tap: HostCallTap): void {
    const calls = this.#open.get(scope);
    if (calls) calls[tap.index] = cassetteHostCall(tap, secretValues(scope.secrets));
  }
}

/**
 * A host call as a cassette keeps it: the ledger's record with arguments and the answer in full,
 * secret values redacted (`secrets.get` always answers `"[redacted]"`).
 * @example cassetteHostCall({ index: 0, args: ['ns', 'k'], reply: { ok: false, payload: 'missing' }, record }, [])
 */
export function cassetteHostCall(tap: Omit<HostCallTap, 'index'>, secrets: readonly string[]): CassetteHostCall {
  const { args: _preview, result: _previewResult, requestId: _requestId, ...record } = tap.record;
  const args = tap.args.map((arg) => encodeValue(arg, secrets));
  if (!tap.reply.ok) return { ...record, args };
  const secret = record.interface === SECRETS_INTERFACE && record.function === 'get';
  return { ...record, args, result: secret ? REDACTED : encodeValue(tap.reply.value, secrets) };
}

/**
 * The envelope with the invocation's secret values redacted from headers, error and a UTF-8 body,
 * so a handler that echoes a secret is recorded as answering `"[redacted]"`, which is what it
 * answers on replay (where `secrets.get` answers the recorded `"[redacted]"`).
 */
export function redactEnvelope(envelope: ExecuteEnvelope, secrets: readonly string[]): ExecuteEnvelope {
  const headers = Object.fromEntries(Object.entries(envelope.headers).map(([name, value]) => [name, redactSecrets(value, secrets)]));
  const error = envelope.error === null ? null : redactSecrets(envelope.error, secrets);
  if (secrets.length === 0 || envelope.body_b64 === null) return { ...envelope, headers, error };
  const bytes = Buffer.from(envelope.body_b64, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { ...envelope, headers, error };
  }
  const redacted = redactSecrets(text, secrets);
  return { ...envelope, headers, body_b64: redacted === text ? envelope.body_b64 : Buffer.from(redacted).toString('base64'), error };
}

function matches(filter: RecordFilter, scope: InvocationScope): boolean {
  return (
    (filter.tenantId === undefined || filter.tenantId === scope.tenantId) &&
    (filter.extensionId === undefined || filter.extensionId === scope.extensionId) &&
    (filter.installId === undefined || filter.installId === scope.installId)
  );
}
