import Database from 'better-sqlite3';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { EXECUTION_LOG_FLUSH_MS } from './registry.ts';
import { openTestRegistry, TENANT, type TestRegistry } from './test-support.ts';

/** Past the batching window: pending writes are committed by then. */
const afterFlush = () => sleep(EXECUTION_LOG_FLUSH_MS + 15);
const REGISTRY_ID = '11111111-1111-4111-8111-111111111111';
const open: TestRegistry[] = [];

async function setup() {
  const t = await openTestRegistry();
  open.push(t);
  // A second connection: what another process (or a crash right now) would find in the file.
  const other = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
  const onDisk = () => other.prepare('SELECT id, status, error FROM extension_execution_log ORDER BY started_at, id').all() as { id: string; status: string; error: string | null }[];
  return { t, registry: t.registry, onDisk, other };
}

const start = (t: TestRegistry, requestId = 'req-1') => t.registry.startExecution({ tenantId: TENANT, registryId: REGISTRY_ID, versionId: null, requestId });
const metrics = { method: 'POST', path: '/counter', http_status: 200, duration_ms: 1 };

afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

describe('Registry execution log (writes committed together every EXECUTION_LOG_FLUSH_MS)', () => {
  it('should commit a started row within the batching window, not at once, and its finish in a later window', async () => {
    const { t, onDisk, other } = await setup();
    const id = start(t);
    expect(onDisk()).toEqual([]);
    await afterFlush();
    expect(onDisk()).toEqual([{ id, status: 'started', error: null }]);
    t.registry.finishExecution(id, { status: 'error', metrics, error: 'execute_failed' });
    expect(onDisk()).toEqual([{ id, status: 'started', error: null }]);
    await afterFlush();
    expect(onDisk()).toEqual([{ id, status: 'error', error: 'execute_failed' }]);
    other.close();
  });

  it('should write a start and finish of one window in order, and show them to a read before the window ends', async () => {
    const { t, onDisk, other } = await setup();
    const id = start(t);
    t.registry.finishExecution(id, { status: 'ok', metrics });
    expect(t.registry.executionLog({ tenantId: TENANT }).map((r) => [r.id, r.status, r.requestId, r.metrics])).toEqual([[id, 'ok', 'req-1', metrics]]);
    expect(onDisk()).toEqual([{ id, status: 'ok', error: null }]);
    other.close();
  });

  it('should insert a row finished in its own window once, finished, keeping the first finish; a later finish updates it', async () => {
    const { t, other } = await setup();
    other.close();
    // Counts the updates the registry's connection makes (a trigger fires for every connection).
    const writer = new Database(path.join(t.dataDir, 'registry.sqlite'));
    writer.exec(`CREATE TABLE log_updates (id TEXT);
      CREATE TRIGGER count_log_updates AFTER UPDATE ON extension_execution_log BEGIN INSERT INTO log_updates VALUES (new.id); END;`);
    const rows = () => writer.prepare('SELECT id, status, metrics, error, started_at IS NOT NULL AS started, finished_at IS NOT NULL AS finished FROM extension_execution_log ORDER BY request_id').all();
    const updates = () => writer.prepare('SELECT id FROM log_updates').pluck().all();

    const quick = start(t, 'a-quick');
    t.registry.finishExecution(quick, { status: 'ok', metrics });
    t.registry.finishExecution(quick, { status: 'error', metrics, error: 'second finish' });
    const slow = start(t, 'b-slow');
    await afterFlush();
    expect(updates()).toEqual([]);
    t.registry.finishExecution(slow, { status: 'timeout', metrics, error: 'timeout' });
    await afterFlush();
    expect(updates()).toEqual([slow]);
    expect(rows()).toEqual([
      { id: quick, status: 'ok', metrics: JSON.stringify(metrics), error: null, started: 1, finished: 1 },
      { id: slow, status: 'timeout', metrics: JSON.stringify(metrics), error: 'timeout', started: 1, finished: 1 },
    ]);
    writer.close();
  });

  it('should keep a row started before a savepoint through a rollback, and drop one started after it for good', async () => {
    const { t } = await setup();
    const before = start(t, 'before');
    t.registry.savepoints.mark('snap_1');
    const after = start(t, 'after');
    t.registry.finishExecution(before, { status: 'ok', metrics });
    t.registry.savepoints.rollbackTo('snap_1');
    await afterFlush();
    expect(t.registry.executionLog({ tenantId: TENANT }).map((r) => [r.requestId, r.status])).toEqual([['before', 'started']]);
    expect(after).not.toBe(before);
  });

  it('should commit what is pending when the registry closes', async () => {
    const t = await openTestRegistry();
    const id = start(t);
    t.registry.close();
    const db = new Database(path.join(t.dataDir, 'registry.sqlite'), { readonly: true });
    expect(db.prepare('SELECT id, status FROM extension_execution_log').all()).toEqual([{ id, status: 'started' }]);
    db.close();
    t.close();
  });

  it('should warn with the rows a failed commit cost, not throw, and write the next window again', async () => {
    const { t, other } = await setup();
    other.close();
    const writer = new Database(path.join(t.dataDir, 'registry.sqlite'));
    writer.exec('ALTER TABLE extension_execution_log RENAME TO extension_execution_log_away');
    start(t, 'lost-1');
    start(t, 'lost-2');
    await afterFlush();
    expect(t.warnings.filter((w) => w.startsWith('execution log:'))).toEqual([
      expect.stringMatching(/^execution log: 2 write\(s\) lost: no such table: extension_execution_log\. Fix: free disk space, or stop the process holding .*registry\.sqlite locked\.$/),
    ]);
    writer.exec('ALTER TABLE extension_execution_log_away RENAME TO extension_execution_log');
    writer.close();
    start(t, 'kept');
    expect(t.registry.executionLog({ tenantId: TENANT }).map((r) => r.requestId)).toEqual(['kept']);
  });
});
