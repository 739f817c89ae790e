import { CAPABILITIES } from '../../capabilities/index.ts';
import { interfaceShortName, parseWit, shippedWorld, witName, type WitWorld } from '../../wit/world.ts';

/** One host function a fault can target, named as the capability ledger names calls. */
export interface FaultTarget {
  /** `storage.put`: interface short name, a dot, the jco function name (`callName` in the harness). */
  name: string;
  /** `alga:extension/storage`. */
  iface: string;
  /** jco function name, `listEntries`. */
  fn: string;
  /** The WIT error enum of its `result`, e.g. `storage-error`; undefined when it returns no result. */
  errorType: string | undefined;
  /** The enum's cases in WIT order (`[]` without a result). */
  variants: readonly string[];
}

/** Every host function of CAPABILITIES with its WIT error variants, by interface short name. */
export type FaultCatalog = ReadonlyMap<string, readonly FaultTarget[]>;

/**
 * Joins CAPABILITIES with the WIT world: each function's error variants. Throws when they
 * disagree (a function returning a result with no error enum in the WIT), so drift fails loudly.
 */
export function buildFaultCatalog(world: WitWorld | string): FaultCatalog {
  const wit = typeof world === 'string' ? parseWit(world) : world;
  const catalog = new Map<string, FaultTarget[]>();
  for (const capability of CAPABILITIES) {
    const short = interfaceShortName(capability.witInterface);
    const declared = wit.interfaces.get(short) ?? [];
    const targets = Object.entries(capability.functions).map(([fn, spec]): FaultTarget => {
      const errorType = declared.find((f) => f.jsName === fn)?.errorType;
      const variants = errorType === undefined ? undefined : wit.enums.get(errorType);
      if (spec.returnsResult && variants === undefined) {
        throw new Error(`${short}.${fn} returns a result in CAPABILITIES, but the WIT declares no error enum for ${short}#${witName(fn)}`);
      }
      return { name: `${short}.${fn}`, iface: capability.witInterface, fn, errorType: spec.returnsResult ? errorType : undefined, variants: spec.returnsResult ? (variants ?? []) : [] };
    });
    catalog.set(short, targets);
  }
  return catalog;
}

/** The catalog of the shipped WIT. */
export function faultCatalog(): FaultCatalog {
  return buildFaultCatalog(shippedWorld());
}
