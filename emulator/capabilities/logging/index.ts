import type * as LoggingWit from '../../wit/generated/host/interfaces/alga-extension-logging.js';
import type { DebugEvent } from '../../contracts/debug-event.ts';
import type { InvocationScope } from '../../contracts/invocation.ts';
import { defineCapability, requireGrant } from '../capability.ts';

const GRANT = 'cap:log.emit';

function logAt(level: DebugEvent['level']) {
  return (scope: InvocationScope, [message]: [string]) => scope.emit(level, String(message), 'log');
}

/** `alga:extension/logging`: each call is a debug-stream event and a structured log line. */
export const loggingCapability = defineCapability<typeof LoggingWit>()({
  name: 'logging',
  witInterface: 'alga:extension/logging',
  capability: GRANT,
  grantedByDefault: true,
  functions: {
    // Without the grant logging is silently nothing (spec 03); it is a default grant anyway.
    logInfo: { returnsResult: false, oneway: true, denied: () => undefined },
    logWarn: { returnsResult: false, oneway: true, denied: () => undefined },
    logError: { returnsResult: false, oneway: true, denied: () => undefined },
  },
  summary: 'log-info / log-warn / log-error: debug-stream events (stream "log").',
  parityNotes: [],
  guard: () => requireGrant(GRANT, 'denied'),
  create: () => ({ logInfo: logAt('info'), logWarn: logAt('warn'), logError: logAt('error') }),
});
