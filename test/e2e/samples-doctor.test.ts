// Every sample passes the doctor, as an author's CI would check it before publishing.
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../emulator/doctor/index.ts';
import { ROOT } from '../../harness/runner-fixture.ts';

// Folders only: sample-extensions/README.md describes them.
const SAMPLES = readdirSync(join(ROOT, 'sample-extensions'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
let cacheRoot = '';
beforeAll(async () => {
  cacheRoot = await mkdtemp(join(tmpdir(), 'samples-doctor-'));
});
afterAll(() => rm(cacheRoot, { recursive: true, force: true }));

describe('samples pass the doctor', () => {
  it('has the six samples the docs name', () => {
    expect(SAMPLES).toEqual(['hello-host', 'hello-iframe', 'hello-ui', 'psa-invoices', 'schedule-board', 'ticket-proxy']);
  });

  it.each(SAMPLES)('%s has no problems', async (sample) => {
    const report = await runDoctor(join(ROOT, 'sample-extensions', sample), { cacheRoot });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  }, 120_000);
});
