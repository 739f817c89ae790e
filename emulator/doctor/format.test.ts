import { describe, expect, it } from 'vitest';
import { formatDoctorReport } from './format.ts';
import { DOCTOR_FIXES } from './problems.ts';

describe('formatDoctorReport', () => {
  it('should print one line per problem and warning with its fix, and a FAILED verdict', () => {
    const text = formatDoctorReport({
      ok: false,
      source: 'bundle.tar.zst',
      contentHash: 'sha256:ab',
      problems: [{ code: 'WASM_MISSING', where: 'dist/main.wasm', message: 'no component.', fix: DOCTOR_FIXES.WASM_MISSING }],
      warnings: [{ code: 'SIGNATURE_MISSING', where: 'signature', message: 'unsigned', fix: DOCTOR_FIXES.SIGNATURE_MISSING }],
      checked: ['archive', 'signature'],
    });
    expect(text.split('\n')).toEqual([
      'doctor: bundle.tar.zst (sha256:ab)',
      'checked: archive, signature',
      `ERROR WASM_MISSING dist/main.wasm: no component. Fix: ${DOCTOR_FIXES.WASM_MISSING}`,
      `WARN SIGNATURE_MISSING signature: unsigned. Fix: ${DOCTOR_FIXES.SIGNATURE_MISSING}`,
      'FAILED: 1 problem, 1 warning',
    ]);
  });

  it('should print an OK verdict for a clean report without a hash', () => {
    expect(formatDoctorReport({ ok: true, source: 'ext', problems: [], warnings: [], checked: [] })).toBe(
      'doctor: ext\nchecked: nothing\nOK: 0 problems, 0 warnings',
    );
  });
});
