// What the host does with a message event (spec 05 "Messages"): source and origin checks first,
// then per type. Pure: the caller passes whether the event came from the iframe's window.
import { planApiProxy, type ApiProxyPlan } from './apiproxy.ts';
import { isAlgaEnvelope, messageType, payloadOf } from './bridge-envelope.ts';
import { clampFrameHeight } from './resize.ts';

export interface InboundEvent {
  /** `event.source === iframe.contentWindow`. */
  fromFrame: boolean;
  origin: string;
  data: unknown;
}

export interface InboundContext {
  extensionId: string;
  /** The iframe's origin, and the configured allowed origin when there is one. */
  acceptedOrigins: readonly string[];
}

export type InboundAction =
  | { kind: 'ignore'; reason: string }
  | { kind: 'ready' }
  | { kind: 'resize'; height: number }
  | { kind: 'apiproxy'; plan: ApiProxyPlan }
  | { kind: 'navigate'; path: string | null };

export function classifyInbound(event: InboundEvent, context: InboundContext): InboundAction {
  if (!event.fromFrame) return { kind: 'ignore', reason: 'not from the extension iframe' };
  if (!context.acceptedOrigins.includes(event.origin)) {
    return { kind: 'ignore', reason: `origin ${event.origin} is not the iframe origin ${context.acceptedOrigins.join(' or ')}` };
  }
  const type = messageType(event.data);
  const payload = payloadOf(event.data) as Record<string, unknown> | undefined;
  switch (type) {
    case 'ready':
      return isAlgaEnvelope(event.data) ? { kind: 'ready' } : { kind: 'ignore', reason: 'ready needs alga: true and version: "1"' };
    case 'resize': {
      const height = clampFrameHeight(payload?.height);
      return height === null ? { kind: 'ignore', reason: 'resize payload.height is not a number' } : { kind: 'resize', height };
    }
    case 'apiproxy':
      return { kind: 'apiproxy', plan: planApiProxy(context.extensionId, event.data) };
    case 'navigate':
      return { kind: 'navigate', path: typeof payload?.path === 'string' ? payload.path : null };
    case undefined:
      return { kind: 'ignore', reason: 'not an object with a string type' };
    default:
      return { kind: 'ignore', reason: `unknown message type "${type}"` };
  }
}
