// A copyable capability: `cp -r _template <name>`, then follow ../README.md. It is not in
// CAPABILITIES (no WIT interface `example` exists); its test shows how a capability is tested.
import { WitError } from '../../contracts/invocation.ts';
import { defineCapability, requireGrantAndInstall, type Env } from '../capability.ts';

/**
 * The interface's generated declarations. In a real folder this is
 * `import type * as ExampleWit from '../../wit/generated/host/interfaces/alga-extension-<name>.js'`
 * and the definition below uses `typeof ExampleWit`.
 */
interface ExampleWit {
  echo(message: string): string;
}

const GRANT = 'cap:example.use';

/** What this capability reads from the environment (rows appear in the settings table). */
interface ExampleSettings {
  prefix: string;
}

/** What `open` builds once per Runner: clients, databases (close them in `close`). */
interface ExampleDeps {
  prefix: string;
}

/** `alga:extension/example`: echoes a message back (template only). */
export const exampleCapability = defineCapability<ExampleWit>()({
  name: 'example',
  witInterface: 'alga:extension/example',
  capability: GRANT,
  grantedByDefault: false,
  functions: { echo: { returnsResult: true } },
  summary: 'echo(message): the message back, with EXAMPLE_PREFIX in front.',
  parityNotes: [],
  settings: {
    rows: [['EXAMPLE_PREFIX', 'empty', 'text put before every echoed message']],
    parse: (env: Env): ExampleSettings => ({ prefix: env.EXAMPLE_PREFIX ?? '' }),
  },
  open: (_services, settings: ExampleSettings): ExampleDeps => ({ prefix: settings.prefix }),
  // Checked before every call and by fault admission; a refused call never reaches `create`'s functions.
  guard: () => requireGrantAndInstall(GRANT, 'denied'),
  create: ({ prefix }) => ({
    echo: (_scope, [message]) => {
      if (message === '') throw new WitError('invalid', 'the message is empty');
      return `${prefix}${message}`;
    },
  }),
});
