// emu.clock with hello-host through createEmulator: a virtual clock moves the Gateway's rate-limit
// refill, registry and storage timestamps and log `ts` only when the test says so; two emulators
// keep their own time and faults; the system clock refuses to be moved.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type InstallResult, type TestEmulator } from '../../harness/index.ts';

const NEW_YEAR = Date.UTC(2030, 0, 1);

/** One row of a table in one of the emulator's SQLite files, read on a separate connection. */
function row<T>(emu: TestEmulator, file: string, sql: string, ...params: unknown[]): T | undefined {
  const db = new Database(join(emu.dataDir, file), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get(...params) as T | undefined;
  } finally {
    db.close();
  }
}

describe("emu.clock with clock: 'virtual'", () => {
  let emu: TestEmulator;
  let ext: InstallResult;
  beforeAll(async () => {
    emu = await createEmulator({ clock: 'virtual', env: { EXT_GATEWAY_RATE_LIMIT: '2/1' } });
    ext = await emu.install('hello-host');
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should stand still while real time passes', async () => {
    const before = emu.clock.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect([emu.clock.mode, emu.clock.now()]).toEqual(['virtual', before]);
  });

  it('should refill the Gateway rate limit only when the clock is advanced', async () => {
    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await emu.invoke(ext, { path: '/context' })).status);
    const limited = await emu.invoke(ext, { path: '/context' });
    expect([...statuses, limited.status, limited.json(), limited.headers['retry-after']]).toEqual([200, 200, 429, { error: 'rate_limited' }, '1']);
    emu.clock.advance(999);
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(429);
    emu.clock.advance(1);
    expect((await emu.invoke(ext, { path: '/context' })).status).toBe(200);
  });

  it('should stamp execution-log rows, storage writes and log events with the virtual time', async () => {
    emu.clock.set(new Date(NEW_YEAR));
    const first = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([first.status, first.json()]).toEqual([200, { count: 1, revision: '1' }]);
    const logRow = () => emu.registry.executionLog({ tenantId: ext.tenantId, limit: 1 })[0];
    expect([logRow()?.requestId, logRow()?.startedAt, logRow()?.finishedAt]).toEqual([first.requestId, '2030-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z']);
    const storedAt = () => row<{ updated_at: number }>(emu, 'storage.sqlite', 'SELECT updated_at FROM ext_storage_records WHERE key = ?', 'counter')?.updated_at;
    expect(storedAt()).toBe(NEW_YEAR);
    expect(emu.logs({ requestId: first.requestId }).map((e) => e.ts)).toEqual([String(NEW_YEAR)]);

    emu.clock.advance(90_000);
    const second = await emu.invoke(ext, { method: 'POST', path: '/counter' });
    expect([second.json(), logRow()?.startedAt, storedAt()]).toEqual([{ count: 2, revision: '2' }, '2030-01-01T00:01:30.000Z', NEW_YEAR + 90_000]);
    expect(emu.logs({ since: NEW_YEAR + 90_000 }).map((e) => e.request_id)).toEqual([second.requestId]);
  });

  it('should stamp installs and their config versions with the virtual time', async () => {
    emu.clock.set(new Date('2031-06-01T12:00:00Z'));
    const second = await emu.install('hello-host', { tenant: 'second' });
    const install = row<{ created_at: string; updated_at: string }>(emu, 'registry.sqlite', 'SELECT created_at, updated_at FROM tenant_extension_install WHERE id = ?', second.installId);
    const config = row<{ created_at: string }>(emu, 'registry.sqlite', 'SELECT created_at FROM tenant_extension_install_config WHERE install_id = ?', second.installId);
    expect([install?.created_at, install?.updated_at, config?.created_at]).toEqual(['2031-06-01T12:00:00.000Z', '2031-06-01T12:00:00.000Z', '2031-06-01T12:00:00.000Z']);
  });

  it('should refuse a negative advance with CLOCK_INVALID and keep the time', () => {
    const before = emu.clock.now();
    expect(() => emu.clock.advance(-5)).toThrow(
      'Failed to advance the virtual clock: ms must be a finite number of milliseconds ≥ 0, got -5. Pass how far to move forward, e.g. advance(1000); use set(date) to jump to a time.',
    );
    expect(emu.clock.now()).toBe(before);
  });

  it('should keep injected latency and measured durations on real time', async () => {
    emu.clock.advance(10_000);
    const before = emu.clock.now();
    emu.faults.inject({ capability: 'context.getContext', latencyMs: 150 });
    const res = await emu.invoke(ext, { path: '/context' });
    const call = res.hostCalls.find((c) => c.function === 'getContext');
    expect([res.status, call?.injected, emu.clock.now()]).toEqual([200, true, before]);
    expect(call?.durationMs).toBeGreaterThanOrEqual(150);
    expect(emu.registry.executionLog({ tenantId: ext.tenantId, limit: 1 })[0]?.metrics?.duration_ms).toBeGreaterThanOrEqual(150);
  });
});

describe('two emulators side by side', () => {
  let a: TestEmulator;
  let b: TestEmulator;
  let extA: InstallResult;
  let extB: InstallResult;
  beforeAll(async () => {
    [a, b] = await Promise.all([createEmulator({ clock: 'virtual' }), createEmulator({ clock: 'virtual' })]);
    [extA, extB] = await Promise.all([a.install('hello-host'), b.install('hello-host')]);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('should keep each clock to itself', async () => {
    a.clock.set(NEW_YEAR);
    b.clock.set(NEW_YEAR);
    a.clock.advance(60_000);
    expect([a.clock.now(), b.clock.now()]).toEqual([NEW_YEAR + 60_000, NEW_YEAR]);
    const [resA, resB] = await Promise.all([a.invoke(extA, { path: '/context' }), b.invoke(extB, { path: '/context' })]);
    expect([a.logs({ requestId: resA.requestId })[0]?.ts, b.logs({ requestId: resB.requestId })[0]?.ts]).toEqual([String(NEW_YEAR + 60_000), String(NEW_YEAR)]);
  });

  it('should keep each fault plan to itself', async () => {
    const fault = a.faults.inject({ capability: 'storage.put', error: 'internal' });
    const resB = await b.invoke(extB, { method: 'POST', path: '/counter/stale' });
    expect([resB.json(), fault.remaining, b.faults.pending()]).toEqual([{ error: 'conflict' }, 1, []]);
    const resA = await a.invoke(extA, { method: 'POST', path: '/counter/stale' });
    expect([resA.json(), fault.remaining]).toEqual([{ error: 'internal' }, 0]);
  });
});

describe('emu.clock on the system clock (the default)', () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await createEmulator();
  });
  afterAll(async () => {
    await emu.close();
  });

  it('should follow real time and refuse advance and set with CLOCK_NOT_VIRTUAL word for word', () => {
    const before = Date.now();
    expect(emu.clock.mode).toBe('system');
    expect(emu.clock.now()).toBeGreaterThanOrEqual(before);
    expect(() => emu.clock.advance(1000)).toThrow(
      "Failed to advance the clock: this emulator runs on the system clock, which tests cannot move. Pass { clock: 'virtual' } to createEmulator().",
    );
    expect(() => emu.clock.set(new Date(NEW_YEAR))).toThrow(expect.objectContaining({ code: 'CLOCK_NOT_VIRTUAL', status: 409 }));
  });
});
