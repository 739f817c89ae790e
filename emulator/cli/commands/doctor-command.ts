// `doctor`: the offline check of a folder or bundle, as publish, install and the Runner judge it.
import { resolve } from 'node:path';
import { formatDoctorReport, runDoctor } from '../../doctor/index.ts';
import { BIN, stringOption } from './args.ts';
import { readSignatureFile, signingModeOf, trustFor } from './data.ts';
import { EXIT_FAILED, EXIT_OK } from './output.ts';
import { MODE_OPTION, TRUST_OPTION } from './signing-commands.ts';
import type { CommandInput, CommandSpec, Output } from './types.ts';

async function doctor(input: CommandInput, io: Output): Promise<number> {
  const mode = signingModeOf(input, 'dev', { readEnv: true });
  const trust = trustFor(input, mode);
  const given = stringOption(input.options, 'signature');
  const signatureText = given === undefined ? undefined : await readSignatureFile(input.ctx, given);
  const target = resolve(input.ctx.cwd, input.args[0] as string);
  const report = await runDoctor(target, { mode, trust, signatureText, onProgress: (step) => io.err(`doctor: ${step}…`) });
  if (input.globals.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of formatDoctorReport(report).split('\n')) io.out(line);
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

export const DOCTOR_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'doctor',
    summary: 'check a folder or bundle offline and report every problem; exit 1 when there is one',
    usage: '<dir|bundle.tar.zst>',
    args: { min: 1, max: 1 },
    options: {
      mode: { ...MODE_OPTION, description: 'signing mode to judge by (default: $SIGNING_MODE, else dev)' },
      trust: TRUST_OPTION,
      signature: { type: 'string', value: '<file>', description: 'signature file (default for a bundle: <bundle>.SIGNATURE)' },
    },
    example: `${BIN} doctor sample-extensions/hello-host --mode strict --trust release.pub.pem`,
    details: ['Checks archive entries, manifest.json, dist/main.wasm (transpiled and linked as the Runner would), ui/ files and the signature.'],
    run: doctor,
  },
];
