import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RUNNING_FILE, connectableUrl, readRunningFile, runningEmulatorOn, writeRunningFile } from './running-file.ts';

let dir = '';
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const info = { url: 'http://0.0.0.0:3000', runnerUrl: 'http://127.0.0.1:8085', pid: 4242, startedAt: '2025-01-01T00:00:00.000Z' };

describe('running-emulator.json', () => {
  it('should write the URLs (a wildcard bind as loopback) and pid, and nothing else in the folder', async () => {
    dir = await mkdtemp(join(tmpdir(), 'running-file-'));
    await writeRunningFile(dir, info);
    expect(await readdir(dir)).toEqual([RUNNING_FILE]);
    expect(readRunningFile(dir)).toEqual({ ...info, url: 'http://127.0.0.1:3000', instance: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(connectableUrl('http://[::]:3000')).toBe('http://[::1]:3000');
    expect(connectableUrl('http://192.168.1.5:3000')).toBe('http://192.168.1.5:3000');
  });

  it('should be removed only by the start that wrote it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'running-file-'));
    const first = await writeRunningFile(dir, info);
    const second = await writeRunningFile(dir, { ...info, pid: 4343 });
    await first.remove();
    expect(readRunningFile(dir)?.pid).toBe(4343);
    await second.remove();
    expect(await readdir(dir)).toEqual([]);
    await second.remove();
  });

  it('should name no running emulator when the file is absent, unreadable, or its pid is gone', async () => {
    dir = await mkdtemp(join(tmpdir(), 'running-file-'));
    expect(runningEmulatorOn(dir)).toBeNull();
    await writeRunningFile(dir, { ...info, pid: process.pid });
    expect(runningEmulatorOn(dir)?.pid).toBe(process.pid);
    expect(runningEmulatorOn(dir, () => false)).toBeNull();
  });
});
