// The whole emulator in its own process for `profile-gateway.ts`: like `emulator-process.ts`, but
// the main thread's CPU profile covers only the measured window (SIGUSR2 starts it, SIGTERM writes
// it to PROFILE_OUT), so start-up and publishing do not blur the per-request breakdown.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { startEmulator } from '../../emulator/host/start-emulator.ts';
import { setRunningFlagsLater } from '../../emulator/cli/server-env.ts';

// e.g. PROFILE_V8_FLAGS=--max-inlined-bytecode-size=0 to see inlined helpers as their own frames.
if (process.env.PROFILE_V8_FLAGS) setFlagsFromString(process.env.PROFILE_V8_FLAGS);

const emu = await startEmulator({ env: process.env, settings: { port: 0 } });
setRunningFlagsLater(process.env); // as emulate.ts does
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
process.on('SIGUSR2', () => void session.post('Profiler.start'));
process.on('SIGTERM', () => void (async () => {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(String(process.env.PROFILE_OUT), JSON.stringify(profile));
  await emu.close();
  process.exit(0);
})());
console.log(JSON.stringify({ msg: 'emulator listening', url: emu.urls.main, runner: emu.urls.runner }));
