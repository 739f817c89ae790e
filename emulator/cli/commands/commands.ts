// The command table: the one list help, parsing and dispatch all read.
import { BUNDLE_COMMANDS } from './bundle-commands.ts';
import { CONFIG_COMMANDS } from './config-commands.ts';
import { DATA_COMMANDS } from './data-commands.ts';
import { DOCTOR_COMMANDS } from './doctor-command.ts';
import { INSTALL_COMMANDS } from './install-commands.ts';
import { PROJECT_COMMANDS } from './project-commands.ts';
import { RESET_COMMANDS } from './reset-command.ts';
import { SCHEDULES_COMMANDS } from './schedules-commands.ts';
import { SECRETS_COMMANDS } from './secrets-commands.ts';
import { SIGNING_COMMANDS } from './signing-commands.ts';
import type { CommandSpec } from './types.ts';

export const COMMANDS: readonly CommandSpec[] = [
  ...PROJECT_COMMANDS,
  ...BUNDLE_COMMANDS,
  ...INSTALL_COMMANDS,
  ...CONFIG_COMMANDS,
  ...SECRETS_COMMANDS,
  ...DATA_COMMANDS,
  ...SCHEDULES_COMMANDS,
  ...SIGNING_COMMANDS,
  ...DOCTOR_COMMANDS,
  ...RESET_COMMANDS,
];

/** First words of commands that take a subcommand (`config`, `secrets`). */
export const GROUPS: readonly string[] = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0] as string))];

/** What may follow the program name: single commands, groups and `help`. */
export const TOP_LEVEL_WORDS: readonly string[] = [...new Set([...COMMANDS.map((c) => c.name.split(' ')[0] as string), 'help'])];
