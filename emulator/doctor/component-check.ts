import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WIT_PATH } from '../wit/world.ts';
import { computeContentHash } from '../bundles/hash.ts';
import { describeError, EmulatorError, executeFailedReason } from '../errors.ts';
import { checkComponentHeader, ComponentLoader } from '../runner/engine/component-loader.ts';
import { WASM_PATH } from './file-checks.ts';
import type { DoctorCode, Findings } from './problems.ts';

/** The Runner's default memory limit; the doctor prepares modules exactly as an execute would. */
const MEMORY_MB = 256;
const LINK_PREFIX = 'component failed to link: ';
// linkProblems' entries start like this; their own text may contain "; " (e.g. "guest: …; host: …").
const LINK_SPLIT = /; (?=component imports "|alga:extension\/)/;

export interface ComponentCheckOptions {
  /** Transpile cache to reuse; default a temporary folder removed afterwards. */
  cacheRoot?: string;
  onProgress: (step: string) => void;
}

/**
 * Runs the Runner's own component loading on `dist/main.wasm`: header check, jco transpile (in
 * a child process), link check against the Runner's world, `handler` export, core-module
 * preparation. Every refusal becomes a problem.
 */
export async function checkComponent(wasm: Uint8Array, findings: Findings, options: ComponentCheckOptions): Promise<void> {
  try {
    checkComponentHeader(wasm);
  } catch (err) {
    findings.problem('COMPONENT_INVALID', WASM_PATH, refusal(err));
    return; // jco would only fail the same way, seconds later
  }
  const temp = options.cacheRoot === undefined ? await mkdtemp(join(tmpdir(), 'alga-doctor-')) : undefined;
  try {
    const loader = new ComponentLoader({ cacheRoot: options.cacheRoot ?? (temp as string), witPath: WIT_PATH });
    options.onProgress('transpiling dist/main.wasm with jco (a few seconds)');
    await loader.load(computeContentHash(wasm), () => Promise.resolve(wasm), MEMORY_MB);
  } catch (err) {
    reportLoadError(err, findings);
  } finally {
    if (temp !== undefined) await rm(temp, { recursive: true, force: true });
  }
}

function reportLoadError(err: unknown, findings: Findings): void {
  for (const [code, message] of classifyLoadError(err)) findings.problem(code, WASM_PATH, message);
}

/**
 * Maps a `ComponentLoader.load` failure to doctor codes: one COMPONENT_LINK per link problem,
 * HANDLER_EXPORT_MISSING, COMPONENT_INVALID for other refusals, and COMPONENT_CHECK_FAILED
 * when the check itself could not run (our WIT or jco failed to load: no verdict on the guest).
 */
export function classifyLoadError(err: unknown): [DoctorCode, string][] {
  if (!(err instanceof EmulatorError) || err.code !== 'EXECUTE_FAILED') {
    return [['COMPONENT_CHECK_FAILED', `cannot check the component: ${describeError(err)}`]];
  }
  const message = refusal(err);
  if (message.startsWith(LINK_PREFIX)) {
    return message.slice(LINK_PREFIX.length).split(LINK_SPLIT).map((part) => ['COMPONENT_LINK', part]);
  }
  if (message.includes('does not export the function "handler"')) return [['HANDLER_EXPORT_MISSING', message]];
  return [['COMPONENT_INVALID', message]];
}

/** The loader's message without the Runner's envelope prefix, which means nothing here. */
function refusal(err: unknown): string {
  return executeFailedReason(describeError(err));
}
