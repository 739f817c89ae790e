// Playwright global setup: starts a real emulator (support/emulator-process.ts) in a child
// process and hands its URLs and ids to the tests; the returned function stops it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { INFO_VARIABLE } from './info.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('./emulator-process.ts', import.meta.url));
const READY = 'EMULATOR_READY ';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const info = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 180 s.\n${stderr}`)), 180_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split('\n').find((l) => l.startsWith(READY));
      if (line) {
        clearTimeout(timer);
        resolve(line.slice(READY.length));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the emulator exited with code ${code} before it was ready.\n${stderr}`));
    });
  });
  process.env[INFO_VARIABLE] = info;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };
}
