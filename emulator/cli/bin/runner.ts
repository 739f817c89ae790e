// `npm run runner`: the Runner alone, like production's container (PORT, BUNDLE_STORE_BASE, …).
import { loadRunnerConfig } from '../../runner/config.ts';
import { jsonLines } from '../json-lines.ts';
import { exitWithError, serveRunner, stopOnSignals } from '../serve-runner.ts';
import { setRunningFlagsLater } from '../server-env.ts';

// One JSON object per line on stdout; ordinary lines are written in batches (json-lines.ts).
const lines = jsonLines((text) => process.stdout.write(text));
process.on('exit', () => lines.flush());
try {
  const config = loadRunnerConfig(process.env);
  const served = await serveRunner(config, lines.log);
  // Before the listening line: whoever waits for it may stop the Runner at once.
  stopOnSignals(served.close);
  lines.log({ msg: 'runner listening', url: served.url, bundle_store: served.runner.store.describe(), cache: config.cacheRoot });
  lines.flush();
  setRunningFlagsLater(process.env);
} catch (err) {
  lines.flush();
  exitWithError(err);
}
