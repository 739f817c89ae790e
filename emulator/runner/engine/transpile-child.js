// Child process that transpiles one component with jco and exits. Transpiling is a one-time,
// memory-hungry compile step (jco's bindgen grows to hundreds of MB for a 12 MB component), so it
// runs out of the Runner's process and its memory is returned to the OS when it exits.
// Plain JavaScript so it starts under plain node.
// Usage: node transpile-child.js <in.wasm> <outDir>
//        node transpile-child.js --host-types <world.wit> <out.json>
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateHostTypes, transpileBytes } from '@bytecodealliance/jco-transpile';

async function hostTypes(witPath, outFile) {
  const files = await generateHostTypes(witPath, { worldName: 'runner' });
  const texts = Object.fromEntries(Object.entries(files).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]));
  await writeFile(outFile, JSON.stringify(texts));
}

async function transpile(input, outDir) {
  const result = await transpileBytes(new Uint8Array(await readFile(input)), {
    name: 'main',
    instantiation: 'async',
    emitTypescriptDeclarations: true,
    wasiShim: false,
    base64Cutoff: Number.MAX_SAFE_INTEGER,
  });
  for (const [name, bytes] of Object.entries(result.files)) {
    if (name === 'main.js' || name.endsWith('.wasm') || name.startsWith('interfaces/')) {
      await mkdir(dirname(join(outDir, name)), { recursive: true });
      await writeFile(join(outDir, name), bytes);
    }
  }
  await writeFile(join(outDir, 'meta.json'), JSON.stringify({ imports: result.imports, exports: result.exports.map(([n]) => n) }));
}

try {
  const args = process.argv.slice(2);
  if (args[0] === '--host-types') await hostTypes(args[1], args[2]);
  else await transpile(args[0], args[1]);
} catch (err) {
  process.stderr.write(String(err instanceof Error ? err.message : err));
  process.exit(2);
}
