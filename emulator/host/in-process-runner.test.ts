import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../errors.ts';
import type { Runner } from '../runner/runner.ts';
import { inProcessRunnerTransport } from './in-process-runner.ts';

type Execute = Runner['execute'];
const runnerThat = (execute: Execute) => ({ execute, redact: (text: string) => text }) as unknown as Pick<Runner, 'execute' | 'redact'>;
const ENVELOPE = { context: { tenant_id: 't', extension_id: 'e', content_hash: 'sha256:' + 'a'.repeat(64) }, http: { method: 'GET', path: '/x' } };

describe('inProcessRunnerTransport', () => {
  it('should hand the Runner the parsed envelope and lower-cased headers, and read its answer as over HTTP', async () => {
    const seen: unknown[] = [];
    const transport = inProcessRunnerTransport(runnerThat(async (headers, body) => {
      seen.push(headers, body.http.path);
      return { envelope: { status: 201, headers: { 'content-type': 'text/plain' }, body_b64: Buffer.from('hi').toString('base64'), error: null }, hostCalls: [] };
    }), () => undefined);
    const reply = await transport({ 'X-Alga-Tenant': 't', 'content-type': 'application/json' }, ENVELOPE, 1000);
    expect(reply).toEqual({ kind: 'envelope', status: 201, headers: { 'content-type': 'text/plain' }, body: Buffer.from('hi'), error: null });
    expect(seen).toEqual([{ 'x-alga-tenant': 't', 'content-type': 'application/json' }, '/x']);
  });

  it('should answer bad_gateway for an envelope the Runner\'s router would refuse with 422, without running it', async () => {
    let ran = false;
    const transport = inProcessRunnerTransport(runnerThat(async () => { ran = true; throw new Error('not reached'); }), () => undefined);
    expect(await transport({}, { context: {} }, 1000)).toEqual({ kind: 'bad_gateway', reason: 'runner answered HTTP 422' });
    expect(ran).toBe(false);
  });

  it('should answer timeout after timeoutMs when the Runner has not answered', async () => {
    const transport = inProcessRunnerTransport(runnerThat(() => new Promise(() => undefined)), () => undefined);
    const started = performance.now();
    expect(await transport({}, ENVELOPE, 50)).toEqual({ kind: 'timeout' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(49);
  });

  it('should answer bad_gateway for a Runner failure and log an unexpected one as the router does', async () => {
    const lines: Record<string, unknown>[] = [];
    const broken = inProcessRunnerTransport(runnerThat(async () => { throw new Error('disk gone'); }), (line) => lines.push(line));
    expect(await broken({}, ENVELOPE, 1000)).toEqual({ kind: 'bad_gateway', reason: 'runner answered HTTP 500: disk gone' });
    expect(lines.map((l) => [l.level, l.msg, l.error])).toEqual([['error', 'unexpected error answering POST /v1/execute; the client got a 500 without it', 'disk gone']]);
    const refused = inProcessRunnerTransport(runnerThat(async () => { throw new EmulatorError('BUNDLE_NOT_FOUND', 'no bundle'); }), (line) => lines.push(line));
    expect(await refused({}, ENVELOPE, 1000)).toEqual({ kind: 'bad_gateway', reason: 'runner answered HTTP 404: no bundle' });
    expect(lines).toHaveLength(1);
  });
});
