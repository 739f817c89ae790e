// `npm run build:samples`: builds every sample and test guest into dist/main.wasm (cached).
import { fileURLToPath } from 'node:url';
import { buildComponent } from '../../toolchain/build-component.ts';
import { buildUi } from '../../toolchain/build-ui.ts';
import { projectGuests, projectUis } from '../../toolchain/samples.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const only = process.argv.slice(2);

for (const { name, build } of await projectGuests(root)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`building ${name} ... `);
  const result = await buildComponent(build);
  console.log(result.cached ? 'up to date' : `built in ${(result.ms / 1000).toFixed(1)} s`);
}
for (const { name, build } of projectUis(root)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  const result = await buildUi(build);
  console.log(`building ${name} ... ${result.changed ? 'built' : 'up to date'}`);
}
