// Child process that componentizes one bundled guest and exits. componentize-js runs for tens of
// seconds on the calling thread and takes ~800 MB: in the emulator's own process it would stall
// the Gateway and the dev loop's fast path for the whole build (measured: a fast-path answer
// waited 2.4 s behind it), so it runs here and its memory goes back to the OS when it exits.
// Plain JavaScript so it starts under plain node.
// Usage: node componentize-child.js <guest.js> <world.wit> <out.wasm>
import { writeFile } from 'node:fs/promises';
import { componentize } from '@bytecodealliance/componentize-js';

const [sourcePath, witPath, outFile] = process.argv.slice(2);
try {
  const { component } = await componentize({
    sourcePath,
    witPath,
    worldName: 'runner',
    // Every feature off: the guest imports only alga:extension/* (fast-path-globals.js lists the
    // globals such a guest has).
    disableFeatures: ['random', 'stdio', 'clocks', 'http', 'fetch-event'],
  });
  await writeFile(outFile, component);
} catch (err) {
  process.stderr.write(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
