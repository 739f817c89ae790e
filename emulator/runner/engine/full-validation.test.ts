import { describe, expect, it } from 'vitest';
import { encodeLeb } from './wasm-sections.ts';
import { LAZY_VALIDATION_FLAG, lazyValidationOn, validateFully } from './full-validation.ts';

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
/** `(func (export "f") (result i32) i64.const 0)`: its body returns an i64 where an i32 is due. */
const INVALID = new Uint8Array([...HEADER, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, 6, 1, 4, 0, 0x42, 0, 0x0b]);
/** The same function returning `i32.const 0`: valid. */
const VALID = new Uint8Array([...HEADER, 1, 5, 1, 0x60, 0, 1, 0x7f, 3, 2, 1, 0, 7, 5, 1, 1, 0x66, 0, 0, 10, 6, 1, 4, 0, 0x41, 0, 0x0b]);

/** `module` with a custom section named `x` of `size` zero bytes appended (still valid when `module` is). */
function padded(module: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const payload = [1, 0x78, ...new Uint8Array(size)];
  return new Uint8Array([...module, 0, ...encodeLeb(payload.length), ...payload]);
}

async function compileError(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return WebAssembly.compile(bytes).then(() => 'compiled', (err: Error) => `${err.constructor.name}: ${err.message}`);
}

describe('lazyValidationOn', () => {
  it('is on when the process was started with --wasm-lazy-validation, the last spelling winning', () => {
    expect(LAZY_VALIDATION_FLAG).toBe('--wasm-lazy-validation');
    expect(lazyValidationOn(['--max-semi-space-size=2', '--wasm-lazy-validation'])).toBe(true);
    expect(lazyValidationOn(['--wasm-lazy-validation', '--no-wasm-lazy-validation'])).toBe(false);
    expect(lazyValidationOn(['--no-wasm-lazy-validation', '--wasm-lazy-validation'])).toBe(true);
    expect(lazyValidationOn([])).toBe(false);
  });
});

describe('validateFully', () => {
  it('accepts a valid module, small (checked in place) or large (compiled in a child)', async () => {
    await expect(validateFully(new Uint8Array(VALID))).resolves.toBeUndefined();
    await expect(validateFully(padded(VALID, 100_000))).resolves.toBeUndefined();
  });

  it('rejects an invalid function body with the CompileError a default compile gives, small or large', async () => {
    const small = new Uint8Array(INVALID);
    expect(await compileError(small)).toBe('CompileError: WebAssembly.compile(): Compiling function #0 failed: type error in fallthru[0] (expected i32, got i64) @+33');
    await expect(validateFully(small).catch((err: Error) => `${err.constructor.name}: ${err.message}`)).resolves.toBe(await compileError(small));
    const large = padded(INVALID, 100_000);
    await expect(validateFully(large).catch((err: Error) => `${err.constructor.name}: ${err.message}`)).resolves.toBe(await compileError(large));
  });
});
