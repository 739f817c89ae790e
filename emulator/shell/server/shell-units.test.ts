import { describe, expect, it } from 'vitest';
import { shellPageCsp } from './pages.ts';
import { ShellEvents } from './shell-events.ts';
import { publishCommands } from './shell-state.ts';

describe('ShellEvents', () => {
  it('should deliver a copy of each event to every subscriber until it unsubscribes', () => {
    const events = new ShellEvents();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const stopA = events.subscribe((e) => a.push(e));
    events.subscribe((e) => b.push(e));
    const reload = { type: 'reload', registryId: 'r', contentHash: `sha256:${'a'.repeat(64)}` } as const;
    expect(events.publish(reload)).toBe(2);
    stopA();
    expect(events.listenerCount).toBe(1);
    expect(events.publish({ type: 'build-error', registryId: 'r', message: 'boom' })).toBe(1);
    expect(a).toEqual([reload]);
    expect(a[0]).not.toBe(reload);
    expect(b).toEqual([reload, { type: 'build-error', registryId: 'r', message: 'boom' }]);
  });
});

describe('publishCommands', () => {
  it('should quote a data folder that needs it', () => {
    expect(publishCommands({ tenantId: 't', dataDir: "/tmp/my data/it's", mainUrl: 'http://127.0.0.1:3000', apiKey: 'k' })).toEqual([
      "npx alga-emulator publish ./my-extension --data-dir '/tmp/my data/it'\\''s' --tenant t",
      'npx alga extension publish ./my-extension --base-url http://127.0.0.1:3000 --api-key k --tenant t',
    ]);
  });
});

describe('shellPageCsp', () => {
  it('should allow frames from an absolute RUNNER_PUBLIC_BASE', () => {
    expect(shellPageCsp('http://127.0.0.1:8085/base')).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self' http://127.0.0.1:8085; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'");
    expect(shellPageCsp('/runner')).toBe("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'");
  });
});
