// Test-only child process of kill-during-publish.test.ts. Usage:
//   node --import tsx kill-during-publish.child.ts <dataDir> <kill point>
// publish: opens a registry on <dataDir> (bundle store in <dataDir>/bundles, signing off) and
// publishes one bundle, killing itself with SIGKILL at the kill point: a PublishStep
// ('staged-written' … 'staging-deleted'), or 'rename:staging' / 'rename:canonical' (inside
// FileBundleStore.put, after the temp file is written and before it is renamed into place).
// extract: '<dataDir> extract' extracts a bundle of many files into <dataDir>/cache and waits to be killed.
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { BundleCache } from '../../../emulator/bundles/extract.ts';
import { packEntries } from '../../../emulator/bundles/pack.ts';
import { FileBundleStore } from '../../../emulator/bundles/store.ts';
import type { PublishStep } from '../../../emulator/registry/publish.ts';
import { Registry } from '../../../emulator/registry/registry.ts';
import { bundleOf } from '../../../emulator/registry/test-support.ts';
import { TrustStore } from '../../../emulator/signing/index.ts';

const [dataDir = '', killAt = ''] = process.argv.slice(2);

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not stop the process');
}

if (killAt === 'extract') {
  const files = Array.from({ length: 20_000 }, (_, i) => ({ path: `ui/f${i}.txt`, data: new TextEncoder().encode(`file ${i}`) }));
  const { bytes, contentHash } = await packEntries(files);
  process.stdout.write('packed\n');
  await new BundleCache({ root: path.join(dataDir, 'cache') }).ensureExtracted(contentHash, async () => bytes);
  process.stdout.write('extracted\n');
} else {
  const store = new FileBundleStore(path.join(dataDir, 'bundles'), {
    fs: {
      rename: async (from, to) => {
        if (killAt === `rename:${to.includes(`${path.sep}_staging${path.sep}`) ? 'staging' : 'canonical'}`) die();
        await rename(from, to);
      },
    },
  });
  const registry = await Registry.open({ dataDir, store, signing: { mode: 'off', trust: TrustStore.fromPems([]) } });
  const bundle = await bundleOf();
  await registry.publishBytes(bundle.bytes, {
    onStep: (step: PublishStep) => {
      if (step === killAt) die();
    },
  });
  registry.close();
  process.stdout.write('published\n');
}
