import { WitError } from '../contracts/invocation.ts';

/** Message for a granted call to an interface whose own issue has not landed yet. */
export const NOT_IMPLEMENTED = 'not implemented in this emulator version';

/** A granted read of an interface that is not implemented: the WIT `internal` case. */
export function notImplemented(): never {
  throw new WitError('internal', NOT_IMPLEMENTED);
}
