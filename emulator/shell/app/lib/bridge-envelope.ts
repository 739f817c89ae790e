// The bridge envelope (spec 05 "Envelope"): `{alga: true, version: "1", type, request_id?, payload}`.

export const BRIDGE_VERSION = '1';

export interface AlgaEnvelope<P = unknown> {
  alga: true;
  version: typeof BRIDGE_VERSION;
  type: string;
  request_id?: string;
  payload: P;
}

/** Host → iframe message types (what the shell posts). */
export type OutboundType = 'theme' | 'apiproxy_response' | 'bootstrap';

/** Builds an envelope; `request_id` only when given. */
export function envelope<P>(type: string, payload: P, requestId?: string): AlgaEnvelope<P> {
  return requestId === undefined ? { alga: true, version: BRIDGE_VERSION, type, payload } : { alga: true, version: BRIDGE_VERSION, type, request_id: requestId, payload };
}

/** `alga === true && version === "1"` with a string type; the host does not require `payload`. */
export function isAlgaEnvelope(data: unknown): data is { alga: true; version: '1'; type: string; request_id?: unknown; payload?: unknown } {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as Record<string, unknown>;
  return d.alga === true && d.version === BRIDGE_VERSION && typeof d.type === 'string';
}

/** The `type` of any object message (envelope or not), for logging. */
export function messageType(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const type = (data as Record<string, unknown>).type;
  return typeof type === 'string' ? type : undefined;
}

/** A non-empty string `request_id`, else undefined. */
export function requestIdOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const id = (data as Record<string, unknown>).request_id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** The `payload` field of an object message (undefined when missing). */
export function payloadOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as Record<string, unknown>).payload : undefined;
}
