// The public Playwright fixtures (harness/playwright.ts) checked against themselves: how
// toHaveMessage fails, what shell.open refuses, and what a failed test gets attached (a child
// Playwright run of test/fixtures/playwright-failure, which fails on purpose).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAILURE_ATTACHMENTS, expect, test, type BridgeMessage } from '../../harness/playwright.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PLAYWRIGHT_CLI = join(ROOT, 'node_modules/@playwright/test/cli.js');
const FAILING_CONFIG = join(ROOT, 'test/fixtures/playwright-failure/playwright.config.ts');

test.use({ extensions: ['hello-iframe'] });

/** The lines toHaveMessage prints for what it saw (hello-iframe sends no request ids). */
const seenLines = (messages: BridgeMessage[]) => messages.map((m) => `  ${m.direction === 'in' ? 'in ' : 'out'} ${m.type} · ${m.note}`).join('\n');

async function failureOf(assertion: Promise<unknown>): Promise<string> {
  return assertion.then(() => 'it passed', (err: Error) => err.message);
}

test.describe('toHaveMessage', () => {
  test('should fail with the filter and every message seen when none matches in time', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'resize' });
    const seen = await bridgeLog.entries();
    expect(seen.map((m) => `${m.direction} ${m.type}`)).toEqual(['in ready', 'out theme', 'in resize']);
    const started = Date.now();
    const message = await failureOf(expect(bridgeLog).toHaveMessage({ type: 'apiproxy', route: '/missing' }, { timeout: 300 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(message).toBe(`Expected a bridge message matching { type: 'apiproxy', route: '/missing' } within 300 ms, but none arrived. Seen (3):\n${seenLines(seen)}`);
  });

  test('.not should fail naming the message that matched', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    const message = await failureOf(expect(bridgeLog).not.toHaveMessage({ direction: 'in', type: /^rea/ }));
    expect(message).toBe('Expected no bridge message matching { direction: \'in\', type: /^rea/ }, but found:\n  in  ready · ready: overlay removed');
  });

  test('.not with a timeout should pass when nothing matching arrives within it', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    const started = Date.now();
    await expect(bridgeLog).not.toHaveMessage({ type: 'apiproxy' }, { timeout: 400 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  test('should match payloads as a subset, with asymmetric matchers inside', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    await expect(bridgeLog).toHaveMessage({ type: 'theme', payload: { '--alga-radius': '8px', '--alga-ring': '0 0% 0%', '--alga-bg': expect.any(String) } });
    await expect(bridgeLog).not.toHaveMessage({ type: 'theme', payload: { '--alga-radius': '9px' } });
    await expect(bridgeLog).toHaveMessage({ type: 'resize', payload: { height: expect.any(Number) } });
  });

  test('should say what it needs when given anything but the bridgeLog fixture', async () => {
    const message = await failureOf(expect({ entries: [] }).toHaveMessage({ type: 'ready' }, { timeout: 10 }));
    expect(message).toBe('toHaveMessage works on the bridgeLog fixture, got Object. Use: await expect(bridgeLog).toHaveMessage({ type: \'ready\' }).');
  });
});

test.describe('bridgeLog', () => {
  test('entries() should reject on a page that is not the shell', async ({ page, bridgeLog, emulator }) => {
    await page.goto('/api/emulator/state');
    const message = await failureOf(bridgeLog.entries());
    expect(message).toBe(`Failed to read the bridge log: the page (${emulator.urls.main}/api/emulator/state) is not the emulator shell: it has no window.__algaShell. Open an extension with shell.open() first.`);
  });

  test('clear() should leave only later messages', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    await expect(bridgeLog).toHaveMessage({ type: 'resize' });
    await bridgeLog.clear();
    await shell.setTheme('dark');
    expect((await bridgeLog.entries()).map((m) => `${m.direction} ${m.type} · ${m.note}`)).toEqual(['out theme · dark palette']);
  });
});

test.describe('shell', () => {
  test('open() should reject with the shell\'s explanation when the portal does not show the extension', async ({ shell }) => {
    const message = await failureOf(shell.open({ extension: 'hello-iframe', portal: 'client-portal' }));
    expect(message).toBe('Failed to open hello-iframe in the client-portal portal as admin: the shell says "alga-emulator.hello-iframe has no ui.hooks.clientPortalMenu.label in its manifest, so the client portal does not show it. Add the label and publish again."');
  });

  test('open() should reject an extension that is not installed, listing what is', async ({ shell }) => {
    const message = await failureOf(shell.open({ extension: 'not-there' }));
    expect(message).toBe('Failed to open not-there: extension "not-there" is not in the registry. Publish it first (`alga extension publish <dir>` or `alga-emulator publish <dir>`), or pass its registry id or publisher.name slug. Installed by the extensions option: hello-iframe.');
  });

  test('open() as anonymous should show the extension signed out', async ({ shell, installed }) => {
    const opened = await shell.open({ extension: installed['hello-iframe'] ?? 'hello-iframe', as: 'anonymous' });
    expect([opened.userId, opened.tenantId]).toEqual([null, installed['hello-iframe']?.tenantId]);
    await expect(shell.page.locator('[data-testid="not-signed-in"]')).toBeVisible();
  });

  test('reloadExtension() should load the iframe again and wait for it', async ({ shell, bridgeLog }) => {
    await shell.open({ extension: 'hello-iframe', waitFor: 'ready' });
    await bridgeLog.clear();
    expect(await shell.reloadExtension({ waitFor: 'ready' })).toMatch(/^(ready|load)$/);
    await expect(bridgeLog).toHaveMessage({ direction: 'in', type: 'ready' });
  });
});

test.describe('a failed test', () => {
  test('should get a screenshot of the shell and the bridge log attached', async () => {
    test.setTimeout(180_000);
    const output = await mkdtemp(join(tmpdir(), 'alga-pw-failure-'));
    try {
      const run = await runPlaywright(['test', '--config', FAILING_CONFIG, '--output', output]);
      expect(run.code).toBe(1);
      const report = JSON.parse(run.stdout) as JsonReport;
      const result = report.suites[0]?.specs[0]?.tests[0]?.results[0];
      expect(result?.status).toBe('failed');
      expect(result?.errors[0]?.message).toContain([
        'Expected a bridge message matching { type: \'apiproxy\', route: \'/never\' } within 300 ms, but none arrived. Seen (3):',
        '  in  ready · ready: overlay removed',
        '  out theme · light palette',
        '  in  resize · height set to ',
      ].join('\n'));
      const attached = new Map((result?.attachments ?? []).map((a) => [a.name, a]));
      const screenshot = attached.get(FAILURE_ATTACHMENTS.screenshot);
      expect(screenshot?.contentType).toBe('image/png');
      const png = screenshot?.body !== undefined ? Buffer.from(screenshot.body, 'base64') : await readFile(screenshot?.path ?? '');
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      const log = attached.get(FAILURE_ATTACHMENTS.bridgeLog);
      expect(log?.contentType).toBe('text/plain');
      expect(Buffer.from(log?.body ?? '', 'base64').toString('utf8')).toMatch(/^ {2}in {2}ready · ready: overlay removed\n {2}out theme · light palette\n {2}in {2}resize · height set to \d+ px\n\n\[/);
    } finally {
      await rm(output, { recursive: true, force: true });
    }
  });
});

interface JsonReport {
  suites: { specs: { tests: { results: { status: string; errors: { message: string }[]; attachments: { name: string; contentType: string; body?: string; path?: string }[] }[] }[] }[] }[];
}

/** Runs the Playwright CLI in a child process, without this worker's own Playwright variables. */
function runPlaywright(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PW_|PLAYWRIGHT_|TEST_)/.test(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PLAYWRIGHT_CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
