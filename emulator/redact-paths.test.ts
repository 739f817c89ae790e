import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emulatorPathRedactor, pathRedactor, scrubQuotedPaths } from './redact-paths.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('scrubQuotedPaths', () => {
  it("should keep only the last segment of quoted absolute paths, as Node's system errors quote them", () => {
    expect(scrubQuotedPaths("ENAMETOOLONG: name too long, stat '/home/dev/.emulator/cache/ui/aaa'")).toBe("ENAMETOOLONG: name too long, stat '…/aaa'");
    expect(scrubQuotedPaths("EXDEV: cross-device link not permitted, rename '/a/b.tmp' -> '/c/d'")).toBe("EXDEV: cross-device link not permitted, rename '…/b.tmp' -> '…/d'");
    expect(scrubQuotedPaths('open "C:\\\\Users\\\\dev\\\\x.js"')).toBe('open "…/x.js"');
  });

  it('should leave relative paths, URL paths outside quotes and quoted non-paths alone', () => {
    const text = "no route GET /api/ext/x; file 'ui/app.js' and 'hello'";
    expect(scrubQuotedPaths(text)).toBe(text);
  });

  it('should leave quoted extension routes whole: only a path a failing system call names is scrubbed', () => {
    const text = `Add {"method":"GET","path":"/nope/:id"} to api.endpoints; emu.uiProxy.route('/api/tickets', …) or add "/api/tickets" to the routes file`;
    expect(scrubQuotedPaths(text)).toBe(text);
    expect(scrubQuotedPaths("route '/api/x' failed: ENOENT: no such file or directory, open '/srv/a/b.json'")).toBe("route '/api/x' failed: ENOENT: no such file or directory, open '…/b.json'");
  });
});

describe('pathRedactor', () => {
  it('should replace each root with its label, quoted or not, the longest root first', () => {
    const redact = pathRedactor([{ path: '/srv/emu', label: '<data>' }, { path: '/srv/emu/cache/', label: '<cache>' }]);
    expect(redact('cannot read /srv/emu/cache/ui/a.js: EIO; registry /srv/emu/registry.sqlite')).toBe('cannot read <cache>/ui/a.js: EIO; registry <data>/registry.sqlite');
    expect(redact("open '/srv/emu/x'")).toBe("open '<data>/x'");
  });

  it('should not take a longer folder name for the root', () => {
    expect(pathRedactor([{ path: '/srv/emu', label: '<data>' }])('see /srv/emu2/x and /srv/emu.')).toBe('see /srv/emu2/x and <data>.');
  });

  it('should also replace the real path of a root reached through a symlink, and ignore relative roots', async () => {
    dir = await mkdtemp(join(tmpdir(), 'redact-'));
    const link = join(dir, 'link');
    await symlink(join(dir), link);
    const redact = pathRedactor([{ path: join(link, '.'), label: '<data>' }, { path: 'relative', label: '<no>' }]);
    expect(redact(`a ${link}/x b ${dir}/y relative`)).toBe('a <data>/x b <data>/y relative');
  });
});

describe('emulatorPathRedactor', () => {
  it('should label the data folder, the cache, a folder bundle store and the emulator package', () => {
    const redact = emulatorPathRedactor({ dataDir: '/srv/emu', cacheRoot: '/var/cache/emu', bundleStoreBase: '/srv/bundles' });
    const pkg = new URL('..', import.meta.url).pathname;
    expect(redact(`/srv/emu/a /var/cache/emu/b /srv/bundles/c ${pkg}node_modules/x.js`)).toBe('<data>/a <cache>/b <bundles>/c <emulator>/node_modules/x.js');
  });
});
