// `npm run runner`: the Runner alone, like production's container (PORT, BUNDLE_STORE_BASE, …).
import { loadRunnerConfig } from '../../runner/config.ts';
import { exitWithError, serveRunner, stopOnSignals } from '../serve-runner.ts';
import { setRunningFlagsLater } from '../server-env.ts';

try {
  const config = loadRunnerConfig(process.env);
  const served = await serveRunner(config, (line) => console.log(JSON.stringify(line)));
  console.log(JSON.stringify({ msg: 'runner listening', url: served.url, bundle_store: served.runner.store.describe(), cache: config.cacheRoot }));
  stopOnSignals(served.close);
  setRunningFlagsLater(process.env);
} catch (err) {
  exitWithError(err);
}
