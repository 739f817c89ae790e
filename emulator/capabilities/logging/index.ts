import type { CapabilityDefinition, DebugEvent, HostFunction } from '../types.ts';

const GRANT = 'cap:log.emit';

function logAt(level: DebugEvent['level']): HostFunction {
  return (scope, [message]) => {
    // Without the grant logging is silently nothing (spec 03); it is a default grant anyway.
    if (!scope.grants.has(GRANT)) return undefined;
    scope.emit(level, String(message), 'log');
    return undefined;
  };
}

/** `alga:extension/logging`: each call is a debug-stream event and a structured log line. */
export const loggingCapability: CapabilityDefinition = {
  name: 'logging',
  witInterface: 'alga:extension/logging',
  capability: GRANT,
  functions: {
    logInfo: { returnsResult: false, oneway: true },
    logWarn: { returnsResult: false, oneway: true },
    logError: { returnsResult: false, oneway: true },
  },
  summary: 'log-info / log-warn / log-error: debug-stream events (stream "log").',
  parityNotes: [],
  create: () => ({ logInfo: logAt('info'), logWarn: logAt('warn'), logError: logAt('error') }),
};
