// `npm run build:samples`: builds every sample and test guest into dist/main.wasm (cached).
import { fileURLToPath } from 'node:url';
import { buildComponent } from '../build/build-component.ts';
import { projectGuests } from '../build/samples.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const only = process.argv.slice(2);

for (const { name, build } of await projectGuests(root)) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue;
  process.stdout.write(`building ${name} ... `);
  const result = await buildComponent(build);
  console.log(result.cached ? 'up to date' : `built in ${(result.ms / 1000).toFixed(1)} s`);
}
