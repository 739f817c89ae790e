// The Runner hook the harness relies on: the onExecute observer, driven through the harness's RunnerFixture.
// (startEmulator's onProgress, the other one, is pinned beside it in emulator/host/emulator.test.ts.)
import { describe, expect, it } from 'vitest';
import type { ExecuteOutcome } from '../emulator/index.ts';
import type { ExecuteObserved } from '../emulator/internals.ts';
import { HELLO_HOST_DIR, RunnerFixture } from './runner-fixture.ts';

const body = { context: { tenant_id: 't1', extension_id: 'e1', content_hash: `sha256:${'0'.repeat(64)}` }, http: { method: 'GET', path: '/x' } };

describe('Runner onExecute', () => {
  it('should hear every execute with its routing headers and request id, after it ran', async () => {
    const heard: [ExecuteOutcome, ExecuteObserved][] = [];
    const fx = await RunnerFixture.start({}, { onExecute: (outcome, request) => heard.push([outcome, request]) });
    try {
      const res = await fx.execute(body, { 'x-request-id': 'hdr-1' });
      await fx.execute({ ...body, context: { ...body.context, request_id: 'ctx-1' } }, { 'x-request-id': 'hdr-2' });
      await fx.execute(body, { 'x-alga-tenant': '' });
      expect(heard.map(([outcome, request]) => [outcome.envelope.status, outcome.hostCalls, request])).toEqual([
        [502, [], { tenantId: 't1', extensionId: 'e1', requestId: 'hdr-1' }],
        [502, [], { tenantId: 't1', extensionId: 'e1', requestId: 'ctx-1' }],
        [400, [], { tenantId: '', extensionId: 'e1', requestId: undefined }],
      ]);
      expect(heard[0]?.[0].envelope).toEqual(res.envelope);
    } finally {
      await fx.close();
    }
  });

  it("should say how long the component itself ran (guestMs), within the execute's duration, and nothing when no guest ran", async () => {
    const heard: ExecuteOutcome[] = [];
    const fx = await RunnerFixture.start({}, { onExecute: (outcome) => heard.push(outcome) });
    try {
      const extension = '0b0c0d0e-0000-4000-8000-000000000001';
      const hash = await fx.install(HELLO_HOST_DIR, extension);
      const counter = { context: { tenant_id: 'tenant-1', extension_id: extension, install_id: 'i-1', content_hash: hash }, http: { method: 'POST', path: '/counter' }, providers: ['cap:storage.kv'] };
      expect((await fx.execute(counter)).envelope.status).toBe(200);
      expect((await fx.execute(body)).envelope.status).toBe(502);
      const [ran, failed] = heard;
      expect(ran?.usage?.guestMs).toBeGreaterThan(0);
      expect(ran?.usage?.guestMs).toBeLessThan(ran?.usage?.durationMs ?? 0);
      expect(ran?.usage?.memoryBytes).toBeGreaterThan(0);
      expect(failed?.usage).toBeDefined();
      expect(failed?.usage && 'guestMs' in failed.usage).toBe(false);
    } finally {
      await fx.close();
    }
  });

  it('should answer as usual and log when the observer throws', async () => {
    const lines: Record<string, unknown>[] = [];
    const fx = await RunnerFixture.start({}, {
      onExecute: () => {
        throw new Error('observer broke');
      },
      log: (line) => lines.push(line),
    });
    try {
      const res = await fx.execute(body, { 'x-request-id': 'obs-1' });
      expect([res.httpStatus, res.envelope.status]).toEqual([200, 502]);
      expect(lines.filter((l) => l.msg === 'runner: onExecute observer threw')).toEqual([{ level: 'error', msg: 'runner: onExecute observer threw', request_id: 'obs-1', reason: 'observer broke' }]);
    } finally {
      await fx.close();
    }
  });
});
