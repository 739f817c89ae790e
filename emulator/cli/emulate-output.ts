// What `npm run emulate` prints: URLs, identities, and one working curl per installed sample.
import { SIGNIN_SECRET_HEADER, isLoopbackHost, shellSigninUrl, type SigninPolicy } from '../host/bind-policy.ts';
import type { RunningEmulator } from '../host/start-emulator.ts';
import type { InstallView } from '../registry/registry.ts';

/** The route each sample's printed curl calls (first declared endpoint without a parameter otherwise). */
const PREFERRED_ROUTES: Record<string, { method: string; path: string }> = {
  'hello-host': { method: 'POST', path: '/counter' },
};

export function printHeader(emu: RunningEmulator): void {
  const { seed, settings, signing } = emu;
  const users = emu.registry.identity.users(seed.defaultTenantId);
  const tokens = new Map(emu.sessions.devTokens(seed.defaultTenantId).map((d) => [d.userId, d.token]));
  console.log(`\nAlga extension emulator (Ctrl-C stops)`);
  console.log(`  shell       ${shellSigninUrl(emu.urls.main, emu.signin)}   open it in a browser: sidebar of installed extensions, portal and user switch, developer panel`);
  for (const line of signinLines(emu.signin)) console.log(line);
  console.log(`  main port   ${emu.urls.main}   Gateway (/api/ext/*, /api/ext-proxy/*), publish API (/api/ext-bundles/*, /api/v1/extensions/*)`);
  console.log(`  Runner      ${emu.urls.runner}   /v1/execute, /ext-ui/…, /healthz`);
  console.log(`  data        ${settings.dataDir}   (npm run emulate -- --fresh starts empty)`);
  console.log(`  signing     ${signing.mode}${signing.devKey ? ` (unsigned bundles are signed with the dev key ${signing.devKey.keyId})` : ''}`);
  console.log(`  tenant      ${seed.defaultTenantId}   (second tenant ${seed.secondTenantId})`);
  console.log(`  API key     ${seed.devApiKey}`);
  for (const user of users) console.log(`  user        ${user.email}  ${user.role}${user.permissions.length === 0 ? '' : `  [${user.permissions.join(', ')}]`}  dev token ${tokens.get(user.id)}`);
  console.log(`  (call the Gateway as a user with -H 'authorization: Bearer <dev token>'; EMULATOR_DEV_TOKEN fixes the admin's)`);
  console.log(`\nPublish your extension with the official CLI, or let the emulator watch its folder:`);
  console.log(`  npx alga extension publish <dir> --base-url ${emu.urls.main} --api-key ${seed.devApiKey} --tenant ${seed.defaultTenantId}`);
  console.log(`  npm run emulate -- --ext <dir>\n`);
}

/**
 * What the sign-in secret is, why it is asked for, and how to send it; nothing when the shell's
 * API asks for none (a loopback HOST without EMULATOR_SIGNIN_SECRET).
 */
export function signinLines(policy: SigninPolicy): string[] {
  if (!policy.required || policy.secret === undefined) return [];
  const open = !isLoopbackHost(policy.host);
  const origin = policy.source === 'generated' ? 'generated at this start; set EMULATOR_SIGNIN_SECRET to keep one across restarts' : 'EMULATOR_SIGNIN_SECRET';
  const why = open
    ? `HOST=${policy.host} is not a loopback address: other machines can reach this emulator, so signing in needs this secret`
    : 'EMULATOR_SIGNIN_SECRET is set, so signing in needs this secret';
  const wildcard = policy.host === '0.0.0.0' || policy.host === '::' ? [`              (${policy.host} listens on every interface: open the shell URL with this machine's address)`] : [];
  return [
    `  sign-in     secret ${policy.secret}  (${origin})`,
    `              ${why}.`,
    `              Without it the shell's API (/api/emulator/*: state, sign-in, user and tenant switch, bootstrap`,
    `              token) answers 401 SIGNIN_SECRET_REQUIRED. The shell URL above carries it once and keeps it in an`,
    `              HttpOnly cookie; curl sends -H '${SIGNIN_SECRET_HEADER}: ${policy.secret}'.`,
    ...(open ? [`              Dev tokens and API keys below are credentials too; the Runner listens on loopback only.`] : []),
    ...wildcard,
  ];
}

export function printInstall(emu: RunningEmulator, name: string, install: InstallView): void {
  console.log(`${name} ${install.version} installed: registry id ${install.registryId}, install ${install.installId}, ${install.contentHash}`);
  if (install.ui) console.log(`  shell: ${emu.urls.main}/msp/extensions/${install.registryId}`);
  const route = PREFERRED_ROUTES[name] ?? install.endpoints.find((e) => !e.path.includes(':'));
  if (!route) {
    console.log('');
    return;
  }
  const admin = emu.sessions.devTokens(install.tenantId).find((d) => d.role === 'msp-admin');
  const method = route.method === 'GET' ? '' : ` -X ${route.method}`;
  console.log(`  curl -s${method} ${emu.urls.main}/api/ext/${install.slug}${route.path} -H 'authorization: Bearer ${admin?.token}'`);
  console.log(`  or straight at the Runner, which answers the execute envelope:`);
  const body = JSON.stringify({
    context: { tenant_id: install.tenantId, extension_id: install.registryId, install_id: install.installId, content_hash: install.contentHash },
    http: { method: route.method, path: route.path },
    providers: install.grantedCaps,
  });
  console.log(`  curl -s ${emu.urls.runner}/v1/execute -H 'content-type: application/json' \\`);
  console.log(`    -H 'x-alga-tenant: ${install.tenantId}' -H 'x-alga-extension: ${install.registryId}' \\`);
  console.log(`    -d '${body}'`);
  console.log(`  (the answer's body_b64 is base64: append | node -e "process.stdin.on('data',d=>console.log(Buffer.from(JSON.parse(d).body_b64,'base64').toString()))")\n`);
}

export const EMULATE_USAGE = `Usage: npm run emulate -- [--ext <folder>]... [--build "<command>"] [--samples] [--fresh]

Starts the Runner, the Gateway, the publish API and the shell.
  --ext <folder>  build, publish and install this extension folder, and watch it: a saved
                  src/** or ui-src/** rebuilds it; a change to manifest.json, dist/main.wasm or
                  ui/** republishes it and reloads its iframe
  --build "<cmd>" how --ext folders are built (sh -c in the folder); default: the folder's
                  package.json build script, or the emulator's build for the scaffold layout
  --samples       also publish and install the samples the emulator ships (prebuilt; in the
                  emulator's checkout \`npm run emulate\` builds them first and passes this)
  --fresh         empty the data folder (EMULATOR_DATA_DIR, default .emulator) before starting
  -h, --help      this text`;
