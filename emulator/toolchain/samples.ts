import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WIT_PATH } from '../wit/world.ts';
import type { ComponentBuild } from './build-component.ts';
import type { UiBuild } from './build-ui.ts';

/** The samples' browser code, bundled into their `ui/` folders. */
export function projectUis(root: string): { name: string; build: UiBuild }[] {
  return [
    {
      name: 'sample-extensions/hello-ui (ui)',
      build: { entry: join(root, 'sample-extensions/hello-ui/ui-src/main.ts'), outFile: join(root, 'sample-extensions/hello-ui/ui/app.js') },
    },
    {
      name: 'sample-extensions/psa-invoices (ui)',
      build: { entry: join(root, 'sample-extensions/psa-invoices/ui-src/main.ts'), outFile: join(root, 'sample-extensions/psa-invoices/ui/app.js') },
    },
    {
      name: 'sample-extensions/schedule-board (ui)',
      build: { entry: join(root, 'sample-extensions/schedule-board/ui-src/main.ts'), outFile: join(root, 'sample-extensions/schedule-board/ui/app.js') },
    },
  ];
}

/** The project's buildable guests: the samples authors read and the Runner's test guests. */
export async function projectGuests(root: string): Promise<{ name: string; build: ComponentBuild }[]> {
  const wit = await readFile(WIT_PATH, 'utf8');
  return [
    {
      name: 'sample-extensions/hello-host',
      build: {
        entry: join(root, 'sample-extensions/hello-host/src/index.ts'),
        outFile: join(root, 'sample-extensions/hello-host/dist/main.wasm'),
      },
    },
    {
      name: 'sample-extensions/hello-ui',
      build: {
        entry: join(root, 'sample-extensions/hello-ui/src/index.ts'),
        outFile: join(root, 'sample-extensions/hello-ui/dist/main.wasm'),
      },
    },
    {
      name: 'sample-extensions/psa-invoices',
      build: {
        entry: join(root, 'sample-extensions/psa-invoices/src/index.ts'),
        outFile: join(root, 'sample-extensions/psa-invoices/dist/main.wasm'),
      },
    },
    {
      name: 'sample-extensions/schedule-board',
      build: {
        entry: join(root, 'sample-extensions/schedule-board/src/index.ts'),
        outFile: join(root, 'sample-extensions/schedule-board/dist/main.wasm'),
      },
    },
    {
      name: 'sample-extensions/ticket-proxy',
      build: {
        entry: join(root, 'sample-extensions/ticket-proxy/src/index.ts'),
        outFile: join(root, 'sample-extensions/ticket-proxy/dist/main.wasm'),
      },
    },
    {
      name: 'test/fixtures/guests/test-guest',
      build: {
        entry: join(root, 'test/fixtures/guests/test-guest/guest.js'),
        outFile: join(root, 'test/fixtures/guests/test-guest/dist/main.wasm'),
      },
    },
    {
      // test-guest with a few routes changed: the new build replay tests run a recorded cassette on.
      name: 'test/fixtures/guests/replay-changed',
      build: {
        entry: join(root, 'test/fixtures/guests/replay-changed/guest.js'),
        outFile: join(root, 'test/fixtures/guests/replay-changed/dist/main.wasm'),
      },
    },
    {
      // Built against a WIT whose context-data lists tenant-id before request-id: the Runner
      // must refuse it at link time, as Wasmtime does.
      name: 'test/fixtures/guests/layout-mismatch',
      build: {
        entry: join(root, 'test/fixtures/guests/test-guest/guest.js'),
        outFile: join(root, 'test/fixtures/guests/layout-mismatch/dist/main.wasm'),
        witText: swapContextFields(wit),
      },
    },
    {
      // Imports an interface the host's world does not have: refused at link time.
      name: 'test/fixtures/guests/foreign-import',
      build: {
        entry: join(root, 'test/fixtures/guests/test-guest/guest.js'),
        outFile: join(root, 'test/fixtures/guests/foreign-import/dist/main.wasm'),
        witText: addForeignInterface(wit),
      },
    },
  ];
}

function addForeignInterface(wit: string): string {
  const world = 'world runner {\n';
  if (!wit.includes(world)) throw new Error('world runner changed; update addForeignInterface');
  return wit.replace(world, 'interface telepathy {\n  read-mind: func() -> string;\n}\n\n' + world + '  import telepathy;\n');
}

function swapContextFields(wit: string): string {
  const original = '    request-id: option<string>,\n    tenant-id: string,\n';
  if (!wit.includes(original)) throw new Error('context-data layout changed; update swapContextFields');
  return wit.replace(original, '    tenant-id: string,\n    request-id: option<string>,\n');
}
