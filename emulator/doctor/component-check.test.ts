import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import { guestRefused } from '../runner/engine/component-loader.ts';
import { classifyLoadError } from './component-check.ts';

describe('classifyLoadError', () => {
  it('should split a link failure into one COMPONENT_LINK per problem, keeping "; " inside a problem', () => {
    const problems = [
      'component imports "wasi:cli/environment@0.2.0", which is not part of world alga:extension/runner',
      "alga:extension/types: interface X differs from the host's (guest: interface X { a: string }; host: interface X { b: string })",
      'component imports "alga:extension/telepathy", which is not part of world alga:extension/runner',
    ];
    expect(classifyLoadError(guestRefused(`component failed to link: ${problems.join('; ')}`))).toEqual(problems.map((p) => ['COMPONENT_LINK', p]));
  });

  it('should map a missing handler export to HANDLER_EXPORT_MISSING', () => {
    const err = guestRefused('component does not export the function "handler" of world alga:extension/runner');
    expect(classifyLoadError(err)).toEqual([
      ['HANDLER_EXPORT_MISSING', 'component does not export the function "handler" of world alga:extension/runner'],
    ]);
  });

  it('should map a jco transpile refusal to COMPONENT_INVALID without the execute_failed prefix', () => {
    const err = guestRefused('dist/main.wasm is not a valid component: failed to parse');
    expect(classifyLoadError(err)).toEqual([['COMPONENT_INVALID', 'dist/main.wasm is not a valid component: failed to parse']]);
  });

  it('should report a failure of the check itself as COMPONENT_CHECK_FAILED', () => {
    expect(classifyLoadError(new Error('cannot load x.wit: boom'))).toEqual([['COMPONENT_CHECK_FAILED', 'cannot check the component: cannot load x.wit: boom']]);
    expect(classifyLoadError(new EmulatorError('BUILD_FAILED', 'odd'))).toEqual([['COMPONENT_CHECK_FAILED', 'cannot check the component: odd']]);
  });
});
