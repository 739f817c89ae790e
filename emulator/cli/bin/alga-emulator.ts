#!/usr/bin/env node
// `alga-emulator` (bin) and `npm run alga-emulator`: the extension lifecycle against the emulator's
// data folder. This file only wires the process in; the commands live in ./alga-emulator/.
import { homedir } from 'node:os';
import { runCli } from '../commands/main.ts';

// A reader that goes away (`alga-emulator list | head -1`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

const code = await runCli(
  process.argv.slice(2),
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  { env: process.env, cwd: process.cwd(), home: homedir(), now: () => performance.now() },
);
// exitCode (not exit()) lets piped stdout drain before the process ends.
process.exitCode = code;
