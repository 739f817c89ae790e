// `npm run create-extension -- <dir> [--name <name>] [--no-ui] [--force]`: the same as
// `alga-emulator create`, with the scaffold's help, errors and exit codes.
import { homedir } from 'node:os';
import { runCli } from '../commands/main.ts';
import { EXIT_USAGE } from '../commands/output.ts';
import { swallowedMessage, swallowedOptions } from '../create-extension-args.ts';

// A reader that goes away (`… --help | head -3`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

// npm runs scripts in the package's folder; INIT_CWD is where the user typed the command, so a
// relative <dir> lands where they expect.
const cwd = process.env.INIT_CWD || process.cwd();
const swallowed = swallowedOptions(process.env);
if (swallowed.length > 0) {
  process.stderr.write(`error USAGE: ${swallowedMessage(swallowed)}\n`);
  process.exit(EXIT_USAGE);
}
const code = await runCli(
  ['create', ...process.argv.slice(2)],
  { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  { env: process.env, cwd, home: homedir(), now: () => performance.now() },
);
process.exitCode = code;
