import { WitError, type InvocationScope } from './types.ts';

/** Message for a granted call to an interface whose own issue has not landed yet. */
export const NOT_IMPLEMENTED = 'not implemented in this emulator version';

/**
 * `admits` of a capability whose calls need `grant` and an install id (the checks of
 * `notImplementedRead` and of the write functions' `success:false` records).
 */
export function grantAndInstall(grant: string) {
  return () => (_fn: string, scope: InvocationScope): boolean => scope.grants.has(grant) && Boolean(scope.installId);
}

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
