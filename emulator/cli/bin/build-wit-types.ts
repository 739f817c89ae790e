// `npm run build:wit-types`: regenerates every file derived from emulator/wit/alga-extension.wit
// (host declarations, host and guest .d.ts files). Run it after editing the WIT (a test fails until you do).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GENERATED_DIR, generateWitFiles, witFilePath } from '../../wit/generated-files.ts';

const files = await generateWitFiles();
await rm(GENERATED_DIR, { recursive: true, force: true });
for (const [name, text] of files) {
  await mkdir(dirname(witFilePath(name)), { recursive: true });
  await writeFile(witFilePath(name), text);
}
console.log(`wrote ${files.size} files under emulator/wit/`);
