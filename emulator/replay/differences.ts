/**
 * What a replay found different from the recording, per call, and its text: one line per
 * difference, each naming the call.
 */
import type { ExecuteEnvelope } from '../runner/execute/execute-response.ts';
import type { CassetteValue } from './cassette-values.ts';

/** How a replayed call's answer or host calls differ from the recorded ones. */
export type ReplayDifference =
  | { kind: 'status'; recorded: number; replayed: number }
  /** A header present on one side only reads `null` on the other; names compare case-insensitively. */
  | { kind: 'header'; name: string; recorded: string | null; replayed: string | null }
  | { kind: 'body'; recorded: string | null; replayed: string | null }
  /**
   * The Runner's error differs: `link-error` when the replayed build failed to link, `trap` for
   * any other guest failure (trap, throw, timeout, memory), `error` when only the recording failed.
   */
  | { kind: 'trap' | 'link-error' | 'error'; recorded: string | null; replayed: string | null }
  | HostCallDifference;

/**
 * A host call that differs: `unexpected` (the replayed build made a call the recording does not
 * have at that point; the guest got a trap unless the function is fire-and-forget), `missing`
 * (a recorded call the replayed build did not make), `arguments` (same function, other arguments;
 * answered from the recording).
 */
export interface HostCallDifference {
  kind: 'host-call';
  change: 'unexpected' | 'missing' | 'arguments';
  /** 1-based position in the call's host-call sequence. */
  position: number;
  /** `storage.put` */
  call: string;
  /** The recorded call's arguments (`missing`, `arguments`). */
  recordedArgs?: CassetteValue[];
  /** The replayed call's arguments (`unexpected`, `arguments`). */
  replayedArgs?: CassetteValue[];
  /** For `unexpected`: the recorded call at that position, when there is one. */
  recordedCall?: string;
}

/** Which call a difference belongs to, as the report names it. */
export interface CallIdentity {
  /** 1-based position of the call in the cassette. */
  index: number;
  requestId: string | undefined;
  method: string;
  /** The path with its query, as the guest saw the URL. */
  path: string;
  tenantId: string;
  extensionId: string;
  installId: string | undefined;
}

const LINK_FAILURE = 'execute_failed: component failed to link';
const PREVIEW_CHARS = 120;

/**
 * The differences between two envelopes. When the Runner's errors differ, that one difference
 * says it all (a failure's status, headers and body are fixed); otherwise status, each header
 * and the body are compared.
 */
export function envelopeDifferences(recorded: ExecuteEnvelope, replayed: ExecuteEnvelope): ReplayDifference[] {
  if (recorded.error !== replayed.error) {
    return [{ kind: errorKind(replayed.error ?? recorded.error ?? ''), recorded: recorded.error, replayed: replayed.error }];
  }
  const out: ReplayDifference[] = [];
  if (recorded.status !== replayed.status) out.push({ kind: 'status', recorded: recorded.status, replayed: replayed.status });
  const before = lowerKeys(recorded.headers);
  const after = lowerKeys(replayed.headers);
  for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const a = before.get(name) ?? null;
    const b = after.get(name) ?? null;
    if (a !== b) out.push({ kind: 'header', name, recorded: a, replayed: b });
  }
  if (recorded.body_b64 !== replayed.body_b64) out.push({ kind: 'body', recorded: recorded.body_b64, replayed: replayed.body_b64 });
  return out;
}

function errorKind(error: string): 'trap' | 'link-error' | 'error' {
  if (error.startsWith(LINK_FAILURE)) return 'link-error';
  if (error.startsWith('execute_failed:')) return 'trap';
  return 'error';
}

function lowerKeys(headers: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * One line for a difference, naming the call.
 * @example formatDifference(identity, { kind: 'status', recorded: 204, replayed: 200 }) // 'call 2 GET /empty-body (request r-2): status 204 → 200'
 */
export function formatDifference(identity: CallIdentity, difference: ReplayDifference): string {
  return `${callLabel(identity)}: ${describeDifference(difference)}`;
}

/** `call 2 GET /empty-body (request r-2)` */
export function callLabel(identity: CallIdentity): string {
  return `call ${identity.index} ${identity.method} ${identity.path}${identity.requestId === undefined ? '' : ` (request ${identity.requestId})`}`;
}

function describeDifference(d: ReplayDifference): string {
  switch (d.kind) {
    case 'status':
      return `status ${d.recorded} → ${d.replayed}`;
    case 'header':
      return `header ${d.name}: ${quote(d.recorded)} → ${quote(d.replayed)}`;
    case 'body':
      return `body ${bodyPreview(d.recorded)} → ${bodyPreview(d.replayed)}`;
    case 'trap':
    case 'link-error':
    case 'error':
      return `${d.kind} ${quote(d.recorded)} → ${quote(d.replayed)}`;
    case 'host-call':
      return describeHostCall(d);
  }
}

function describeHostCall(d: HostCallDifference): string {
  const at = `host call #${d.position}`;
  if (d.change === 'arguments') return `${at} ${d.call} arguments ${preview(d.recordedArgs)} → ${preview(d.replayedArgs)}`;
  if (d.change === 'missing') return `${at} ${d.call}${preview(d.recordedArgs, '(', ')')} was recorded but not made`;
  const instead = d.recordedCall === undefined ? 'the recording has no more host calls' : `the recording has ${d.recordedCall} there`;
  return `${at} ${d.call}${preview(d.replayedArgs, '(', ')')} is not in the recording (${instead})`;
}

function quote(value: string | null): string {
  return value === null ? 'none' : cut(JSON.stringify(value));
}

function bodyPreview(b64: string | null): string {
  if (b64 === null) return 'none';
  const bytes = Buffer.from(b64, 'base64');
  try {
    return cut(JSON.stringify(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
  } catch {
    return `${bytes.byteLength} bytes (not UTF-8)`;
  }
}

function preview(args: CassetteValue[] | undefined, open = '', close = ''): string {
  const text = JSON.stringify(args ?? []);
  return `${open}${cut(open ? text.slice(1, -1) : text)}${close}`;
}

function cut(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}
