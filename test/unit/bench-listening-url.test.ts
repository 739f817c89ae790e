import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { listeningUrl } from '../bench/runner-process.ts';

/** A child process as `listeningUrl` sees it: exit events and a stdout the test writes. */
function fakeChild() {
  const child = new EventEmitter() as EventEmitter & { stdout: PassThrough };
  child.stdout = new PassThrough();
  return child;
}

describe('listeningUrl (bench server start-up)', () => {
  it('should find the ready line split across chunks and after other lines', async () => {
    const child = fakeChild();
    const url = listeningUrl(child as never, 'runner listening');
    child.stdout.write('{"msg":"cache ready"}\n{"msg":"runner lis');
    child.stdout.write('tening","url":"http://127.0.0.1:4321","cache":"/tmp/c"}\n');
    await expect(url).resolves.toBe('http://127.0.0.1:4321');
  });

  it('should stop reading once it has the URL, and leave the output flowing', async () => {
    // The servers log a line per guest call. Reading on after the URL, the old helper scanned all
    // the output so far on every chunk: the bench's own client got slower with every call.
    const child = fakeChild();
    const url = listeningUrl(child as never, 'runner listening');
    child.stdout.write('{"msg":"runner listening","url":"http://127.0.0.1:1"}\n');
    await url;
    expect(child.stdout.listenerCount('data')).toBe(0);
    expect(child.listenerCount('exit')).toBe(0);
    // Still drained: a server must never block on a full stdout pipe.
    for (let i = 0; i < 1000; i++) child.stdout.write(`{"level":"info","msg":"POST /counter ${i}"}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    expect(child.stdout.readableFlowing).toBe(true);
    expect(child.stdout.readableLength).toBe(0);
  });

  it('should fail when the server exits before its ready line', async () => {
    const child = fakeChild();
    const url = listeningUrl(child as never, 'emulator listening');
    child.stdout.write('{"level":"error","msg":"port in use"}\n');
    child.emit('exit', 1);
    await expect(url).rejects.toThrow('runner exited with 1 before listening');
  });
});
