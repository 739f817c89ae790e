/**
 * Host imports answered from a cassette instead of the capabilities: the worker pool links this
 * table in place of the Runner's, so a replay touches no storage, network, secrets or PSA data.
 * Each invocation being replayed has a cursor over its recorded host calls, found by its scope.
 */
import type { HostFunction } from '../capabilities/capability.ts';
import type { HostTable, ImportShape } from '../capabilities/index.ts';
import { hostCallName } from '../contracts/host-call.ts';
import { WitError, type InvocationScope } from '../contracts/invocation.ts';
import type { CassetteHostCall } from './cassette.ts';
import { decodeValue, encodeValue, sameValue } from './cassette-values.ts';
import type { HostCallDifference } from './differences.ts';

/**
 * The recorded host calls of one call, answered in order. A call whose function is not the
 * recorded one at its position is a difference; the guest gets a trap for it (a fire-and-forget
 * function's caller never sees it), and the cursor stays where it was.
 */
export class ReplayCursor {
  readonly differences: HostCallDifference[] = [];
  /** Whether the replay trapped the guest for a call the recording does not have. */
  stopped = false;
  readonly #recorded: readonly CassetteHostCall[];
  #position = 0;
  #made = 0;

  constructor(recorded: readonly CassetteHostCall[]) {
    this.#recorded = recorded;
  }

  /** The recorded answer to the guest's next host call: returns it, or throws the recorded error. */
  answer(iface: string, fn: string, args: unknown[], oneway: boolean): unknown {
    this.#made++;
    const call = hostCallName({ interface: iface, function: fn });
    const replayedArgs = args.map((arg) => encodeValue(arg, []));
    const expected = this.#recorded[this.#position];
    if (!expected || expected.interface !== iface || expected.function !== fn) {
      const recordedCall = expected && hostCallName(expected);
      this.differences.push({ kind: 'host-call', change: 'unexpected', position: this.#made, call, replayedArgs, ...(recordedCall && { recordedCall }) });
      if (!oneway) this.stopped = true;
      throw new Error(`replay: host call #${this.#made} ${call} is not in the recording${recordedCall ? ` (recorded: ${recordedCall})` : ''}`);
    }
    this.#position++;
    if (!sameValue(replayedArgs, expected.args)) {
      this.differences.push({ kind: 'host-call', change: 'arguments', position: this.#made, call, recordedArgs: expected.args, replayedArgs });
    }
    if (expected.outcome === 'err') throw new WitError(expected.error ?? '');
    if (expected.outcome === 'trap') throw new Error(expected.error ?? 'trap');
    return expected.result === undefined ? undefined : decodeValue(expected.result);
  }

  /** Recorded calls the guest did not make (none when the replay stopped the guest). */
  finish(): HostCallDifference[] {
    if (this.stopped) return this.differences;
    const missing = this.#recorded.slice(this.#position).map((c, i): HostCallDifference => ({
      kind: 'host-call', change: 'missing', position: this.#position + i + 1, call: hostCallName(c), recordedArgs: c.args,
    }));
    return [...this.differences, ...missing];
  }
}

/**
 * A host table of every function of `shape` whose answer comes from the cursor of the calling
 * invocation (`cursorOf(scope)`).
 */
export function replayHostTable(shape: ImportShape, cursorOf: (scope: InvocationScope) => ReplayCursor | undefined): HostTable {
  return new Map(
    Object.entries(shape).map(([iface, functions]) => [
      iface,
      Object.fromEntries(
        Object.entries(functions).map(([fn, spec]): [string, HostFunction] => [
          fn,
          (scope, args) => {
            const cursor = cursorOf(scope);
            if (!cursor) throw new Error(`replay: host call ${hostCallName({ interface: iface, function: fn })} from an invocation that is not being replayed`);
            return cursor.answer(iface, fn, args, spec.oneway === true);
          },
        ]),
      ),
    ]),
  );
}
