// What the developer panel shows: every postMessage in both directions, every gateway call the
// bridge made, and the extension's live log lines. Formatting only; no DOM.

export interface BridgeLogEntry {
  at: number;
  direction: 'in' | 'out';
  origin: string;
  type: string;
  /** UTF-8 length of the JSON of the payload (0 when there is none). */
  bytes: number;
  requestId: string | null;
  /** What the host did with it (`ignored: …`, `replied`, …). */
  note: string;
  /** The message's payload as received or sent; not shown in the panel, read by the automation hook. */
  payload?: unknown;
}

export interface GatewayCallEntry {
  at: number;
  method: string;
  url: string;
  status: number | null;
  durationMs: number;
  requestId: string;
  /** The reply's error, when there was one. */
  error: string | null;
  /** The Gateway's `x-emulator-hint` (why it refused and the fix), when it sent one. */
  hint: string | null;
}

/** Size of a payload as the panel reports it. */
export function payloadBytes(payload: unknown): number {
  if (payload === undefined) return 0;
  const json = JSON.stringify(payload);
  return json === undefined ? 0 : new TextEncoder().encode(json).length;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local wall-clock time `HH:MM:SS.mmm`. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Table cells of a message row: time, direction, origin, type, size, request id, note. */
export function messageRow(entry: BridgeLogEntry): string[] {
  return [
    formatClock(entry.at),
    entry.direction === 'in' ? 'iframe → host' : 'host → iframe',
    entry.origin,
    entry.type,
    formatBytes(entry.bytes),
    entry.requestId ?? '',
    entry.note,
  ];
}

/** Table cells of a gateway call: time, method + URL, status, duration, request id, error, hint. */
export function gatewayRow(entry: GatewayCallEntry): string[] {
  return [
    formatClock(entry.at),
    `${entry.method} ${entry.url}`,
    entry.status === null ? 'network error' : String(entry.status),
    formatDuration(entry.durationMs),
    entry.requestId,
    entry.error ?? '',
    entry.hint ?? '',
  ];
}

/** The notice above the frame for a refused call: what was refused and the Gateway's hint. */
export function gatewayRefusal(entry: GatewayCallEntry): string | null {
  if (entry.hint === null) return null;
  return `The Gateway refused ${entry.method} ${entry.url} (${entry.status ?? 'network error'}): ${entry.hint}`;
}

/** A debug-stream event (spec 02) as the panel lists it. */
export interface DebugEventLike {
  ts: string;
  level: string;
  stream: string;
  request_id?: string;
  message: string;
  truncated: boolean;
}

export function debugEventLine(event: DebugEventLike): string {
  const at = Number(event.ts);
  const time = Number.isFinite(at) ? formatClock(at) : event.ts;
  const request = event.request_id ? ` (${event.request_id})` : '';
  return `${time} ${event.level.toUpperCase().padEnd(5)} [${event.stream}]${request} ${event.message}${event.truncated ? ' …[truncated]' : ''}`;
}

/**
 * A JSON copy of an entry, as the automation hook (`window.__algaShell`) hands it to tests: a
 * payload JSON cannot encode (a cycle, a BigInt) becomes a string saying so.
 */
export function jsonSafeEntry(entry: BridgeLogEntry): BridgeLogEntry {
  let payload: unknown;
  try {
    const json = entry.payload === undefined ? undefined : JSON.stringify(entry.payload);
    payload = json === undefined ? undefined : JSON.parse(json);
  } catch (err) {
    payload = `[payload not JSON-encodable: ${(err as Error).message}]`;
  }
  const { payload: _dropped, ...rest } = entry;
  return payload === undefined ? { ...rest } : { ...rest, payload };
}

/** Keeps the newest `capacity` items. */
export class BoundedLog<T> {
  readonly #items: T[] = [];
  readonly capacity: number;

  constructor(capacity = 500) {
    this.capacity = capacity;
  }

  push(item: T): void {
    this.#items.push(item);
    if (this.#items.length > this.capacity) this.#items.splice(0, this.#items.length - this.capacity);
  }

  clear(): void {
    this.#items.length = 0;
  }

  get items(): readonly T[] {
    return this.#items;
  }
}
