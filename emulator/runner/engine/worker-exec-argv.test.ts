import { describe, expect, it } from 'vitest';
import { workerExecArgv } from './worker-exec-argv.ts';

describe('workerExecArgv', () => {
  it('drops module loaders with their values, in both spellings', () => {
    expect(workerExecArgv([
      '--require', '/x/preflight.cjs', '--import', 'file:///x/loader.mjs', '-r', 'a.cjs',
      '--loader=ts-node/esm', '--experimental-loader', 'l.mjs', '--import=tsx',
    ])).toEqual([]);
  });

  it('drops V8\'s heap limits, which every worker already gets from the process and Node refuses in a worker', () => {
    expect(workerExecArgv(['--max-semi-space-size=2', '--conditions', 'dev', '--max-old-space-size=4096', '--min-semi-space-size=1']))
      .toEqual(['--conditions', 'dev']);
  });

  it('drops wasm\'s lazy validation in both spellings: process-wide, and refused in a worker', () => {
    expect(workerExecArgv(['--wasm-lazy-validation', '--conditions', 'dev', '--no-wasm-lazy-validation'])).toEqual(['--conditions', 'dev']);
  });

  it('keeps every other option in order', () => {
    expect(workerExecArgv(['--stack-size=2000', '--import', 'tsx', '--experimental-wasm-stack-switching', '--conditions', 'dev']))
      .toEqual(['--stack-size=2000', '--experimental-wasm-stack-switching', '--conditions', 'dev']);
  });
});
