import { describe, expect, it } from 'vitest';
import { readJcoDebugOnce } from './glue-rewrite.js';

// The function as jco 0.15 writes it into main.js.
const JCO_DEBUG_LOG = `  const _debugLog = (...args) => {
    if (!globalThis?.process?.env?.JCO_DEBUG) { return; }
    console.debug(...args);
  };
`;

/** Loads rewritten glue text as a function body and returns its `_debugLog`, with `env` as process.env. */
function debugLogOf(source: string, env: Record<string, string>): (...args: unknown[]) => void {
  const globalThis = { process: { env } };
  const console = { debug: (...args: unknown[]) => logged.push(args) };
  return new Function('globalThis', 'console', `${source}\nreturn _debugLog;`)(globalThis, console) as (...args: unknown[]) => void;
}
let logged: unknown[][] = [];

describe('readJcoDebugOnce', () => {
  it("reads JCO_DEBUG once, at module level, and _debugLog tests the constant", () => {
    expect(readJcoDebugOnce(JCO_DEBUG_LOG)).toBe(`const __algaJcoDebugAtLoad = Boolean(globalThis?.process?.env?.JCO_DEBUG);
  const _debugLog = (...args) => {
    if (!__algaJcoDebugAtLoad) { return; }
    console.debug(...args);
  };
`);
  });

  it('keeps what JCO_DEBUG does when it is set before the glue loads, and only then', () => {
    logged = [];
    const env: Record<string, string> = { JCO_DEBUG: '1' };
    const on = debugLogOf(readJcoDebugOnce(JCO_DEBUG_LOG), env);
    on('[task] args', { id: 1 });
    delete env.JCO_DEBUG;
    on('still on');
    const off = debugLogOf(readJcoDebugOnce(JCO_DEBUG_LOG), {});
    off('not shown');
    expect(logged).toEqual([['[task] args', { id: 1 }], ['still on']]);
  });

  it('returns glue without the per-call test (another jco version) unchanged', () => {
    const other = 'export function instantiate() {}\n';
    expect(readJcoDebugOnce(other)).toBe(other);
  });
});
