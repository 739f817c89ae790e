// `npm run build:wit-types`: regenerates the Runner's shipped declarations of its WIT world.
// Run it after editing emulator/runner/wit/alga-extension.wit (a test fails until you do).
import { writeFile } from 'node:fs/promises';
import { HOST_TYPES_PATH, generateHostTypesFile } from '../runner/engine/host-types.ts';
import { RUNNER_WIT_PATH } from '../build/build-component.ts';

const types = await generateHostTypesFile(RUNNER_WIT_PATH);
await writeFile(HOST_TYPES_PATH, `${JSON.stringify(types, null, 2)}\n`);
console.log(`wrote ${HOST_TYPES_PATH} (${Object.keys(types.files).length} files)`);
