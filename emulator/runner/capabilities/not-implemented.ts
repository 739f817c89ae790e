import { WitError, type InvocationScope } from './types.ts';

/** Message for a granted call to an interface whose own issue has not landed yet. */
export const NOT_IMPLEMENTED = 'not implemented in this emulator version';

/**
 * A read function of a capability that needs `grant` and an install id: without them it throws
 * `deniedPayload`; with them it answers `internal` until the capability is implemented.
 */
export function notImplementedRead(grant: string, deniedPayload: string) {
  return (scope: InvocationScope): never => {
    if (!scope.grants.has(grant) || !scope.installId) throw new WitError(deniedPayload, `${grant} not granted`);
    throw new WitError('internal', NOT_IMPLEMENTED);
  };
}
