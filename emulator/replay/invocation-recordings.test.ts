import { describe, expect, it } from 'vitest';
import type { InvocationScope } from '../contracts/invocation.ts';
import { InvocationRecordings } from './invocation-recordings.ts';
import type { CassetteCall } from './cassette.ts';

const scope = (installId: string, secrets?: Record<string, string>) =>
  ({ requestId: `req-${installId}`, tenantId: 't', extensionId: 'e', installId, versionId: undefined, contentHash: 'sha256:ab', grants: new Set(), user: undefined, secrets, emit: () => undefined }) as InvocationScope;
const body = { context: { tenant_id: 't', extension_id: 'e', install_id: 'i-1', content_hash: 'sha256:ab', config: { a: 'b' } }, http: { method: 'GET', path: '/' } };
const envelope = { status: 200, headers: {}, body_b64: null, error: null };
const log = (message: string) => ({ interface: 'alga:extension/logging', function: 'logInfo', outcome: 'ok' as const, durationMs: 1, args: [message] });

describe('InvocationRecordings', () => {
  it('records nothing when no listener matches the install', () => {
    const recordings = new InvocationRecordings(() => undefined);
    expect(recordings.begin(scope('i-1'))).toBeUndefined();
    recordings.subscribe({ installId: 'i-2' }, () => undefined);
    expect(recordings.begin(scope('i-1'))).toBeUndefined();
  });

  it('keeps host calls in the order the guest made them, whatever order they finish in', () => {
    const recordings = new InvocationRecordings(() => undefined);
    const heard: CassetteCall[] = [];
    recordings.subscribe({ tenantId: 't', installId: 'i-1' }, (call) => heard.push(call));
    const s = scope('i-1');
    const open = recordings.begin(s);
    recordings.hostCall(s, { index: 1, args: ['second'], reply: { ok: true, value: undefined }, record: log('second') });
    recordings.hostCall(s, { index: 0, args: ['first'], reply: { ok: true, value: undefined }, record: log('first') });
    recordings.hostCall(scope('i-1'), { index: 2, args: ['another invocation'], reply: { ok: true, value: undefined }, record: log('x') });
    open?.finish(body, envelope);
    expect(heard).toEqual([{
      requestId: 'req-i-1',
      request: { context: { tenant_id: 't', extension_id: 'e', install_id: 'i-1', content_hash: 'sha256:ab' }, http: { method: 'GET', path: '/' } },
      hostCalls: [
        { interface: 'alga:extension/logging', function: 'logInfo', outcome: 'ok', durationMs: 1, args: ['first'], result: { $undefined: true } },
        { interface: 'alga:extension/logging', function: 'logInfo', outcome: 'ok', durationMs: 1, args: ['second'], result: { $undefined: true } },
      ],
      response: envelope,
    }]);
  });

  it('tells onListenerError about a throwing listener and still tells the others', () => {
    const errors: unknown[] = [];
    const recordings = new InvocationRecordings((err) => errors.push(err));
    const heard: string[] = [];
    recordings.subscribe({}, () => {
      throw new Error('listener broke');
    });
    const stop = recordings.subscribe({}, (call) => heard.push(call.requestId ?? ''));
    recordings.begin(scope('i-1'))?.finish(body, envelope);
    stop();
    recordings.begin(scope('i-1'))?.finish(body, envelope);
    expect([heard, errors.map((e) => (e as Error).message)]).toEqual([['req-i-1'], ['listener broke', 'listener broke']]);
  });
});
