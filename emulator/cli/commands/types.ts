// Shapes shared by the `alga-emulator` commands: the output sink, the caller's context, the
// parsed global options and the command table entries.

/** Where a command writes: `out` is the result (stdout), `err` progress, warnings and errors (stderr). */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** What the entry reads from the process; tests pass their own. Commands never touch `process`. */
export interface CliContext {
  env: Env;
  /** Relative paths (data folder, bundles, keys) resolve against this. */
  cwd: string;
  /** The user's home folder (`reset` refuses to empty it). */
  home: string;
  /** Milliseconds for progress timings (`performance.now`); tests pass a fixed clock. */
  now: () => number;
}

/** Options every command accepts. */
export interface GlobalOptions {
  /** Absolute data folder: `--data-dir`, else EMULATOR_DATA_DIR, else `.emulator`. */
  dataDir: string;
  /** `--tenant`; undefined lets the settings pick ALGA_TENANT_ID or the default tenant. */
  tenant: string | undefined;
  json: boolean;
}

/** Parsed option values of one command, as `node:util` parseArgs returns them. */
export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface CommandInput {
  /** Positional arguments after the command name. */
  args: string[];
  options: OptionValues;
  globals: GlobalOptions;
  ctx: CliContext;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** May be given several times (collected into a list). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `<file>`. */
  value?: string;
  description: string;
}

/** One command: its help text, what it accepts, and the function that runs it. */
export interface CommandSpec {
  /** `pack`, or `config set` for a subcommand. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Positional part of the usage line, e.g. `<ext> key=value…`. */
  usage: string;
  /** Fewest and most positionals (Infinity for a trailing list). */
  args: { min: number; max: number };
  options: Readonly<Record<string, OptionSpec>>;
  example: string;
  /** Extra help paragraphs (defaults, caveats). */
  details?: readonly string[];
  /** Returns the process exit code. */
  run(input: CommandInput, io: Output): Promise<number>;
}
