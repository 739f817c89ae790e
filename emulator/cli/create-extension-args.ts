// `npm run create-extension my-ext --no-ui` (without `--`) hands --no-ui to npm, which keeps it as
// config (npm_config_ui) and runs the script without it: the user would silently get a UI. The
// entry checks for such swallowed options and asks for `--` instead.
import type { Env } from './commands/types.ts';

/** The create options npm would keep: the npm_config_* name and how to show it again. */
const SWALLOWABLE: readonly [string, (value: string) => string][] = [
  ['npm_config_ui', (v) => (v === '' || v === 'false' ? '--no-ui' : '--ui')],
  ['npm_config_name', (v) => `--name ${v}`],
  ['npm_config_force', () => '--force'],
  ['npm_config_emulator_spec', (v) => `--emulator-spec ${v}`],
];

/**
 * The options npm kept for itself when the script runs under `npm run create-extension`, as the
 * user typed them, or [] when there are none (or the script runs outside npm).
 *
 * @example swallowedOptions({ npm_lifecycle_event: 'create-extension', npm_config_ui: '' }) // ['--no-ui']
 */
export function swallowedOptions(env: Env): string[] {
  if (env.npm_lifecycle_event !== 'create-extension') return [];
  return SWALLOWABLE.flatMap(([name, shown]) => (env[name] === undefined ? [] : [shown(env[name] as string)]));
}

/** The usage error's message for swallowed options. */
export function swallowedMessage(options: readonly string[]): string {
  return `npm kept ${options.join(' ')} for itself, so create-extension never saw ${options.length === 1 ? 'it' : 'them'}. Put options after "--": npm run create-extension -- <dir> ${options.join(' ')}`;
}
