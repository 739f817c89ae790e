// The whole emulator (Runner + main port) in its own process for `npm run bench`: the bench
// publishes through the HTTP API and measures from outside, as an author's tools would.
import { startEmulator } from '../../emulator/host/start-emulator.ts';
import { setRunningFlagsLater } from '../../emulator/cli/server-env.ts';

const emu = await startEmulator({ env: process.env, settings: { port: 0 } });
setRunningFlagsLater(process.env); // as emulate.ts does
console.log(JSON.stringify({ msg: 'emulator listening', url: emu.urls.main, runner: emu.urls.runner }));
process.on('SIGTERM', () => void emu.close().then(() => process.exit(0)));
