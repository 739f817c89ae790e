import { EmulatorError } from '../errors.ts';

/** A refused fixture: `record` is e.g. `clients[2]`, `field` the property at fault. */
export class PsaFixtureError extends EmulatorError {
  readonly record: string;
  readonly field: string;
  constructor(record: string, field: string, why: string, fix: string) {
    const where = field === '' ? record : `${record}.${field}`;
    super('PSA_FIXTURE_INVALID', `Failed to load the PSA fixture: ${where} ${why}. Fix: ${fix}`);
    this.record = record;
    this.field = field;
  }
}
