/**
 * Where the shell page (the host app's stand-in) deliberately differs from production (parity
 * policy rule 2). Printed by `npm run parity-notes`, listed in the README and on the shell page.
 */
export const SHELL_PARITY_NOTES: readonly string[] = [
  'An apiproxy message whose method is not GET, POST, PUT, PATCH or DELETE gets an apiproxy_response {error} naming the allowed methods, and the developer panel logs it (production throws before replying, so the SDK\'s callProxy times out after 15 s).',
  '/api/ext-debug/stream is fed in-process by the Runner\'s debug hub and first replays the recent events that match the filter, then streams live ones (production relays Redis streams and shows only new events).',
  'The shell\'s light and dark theme palettes are the emulator\'s own hex values for the 31 --alga-* tokens (production derives them from the host app\'s theme); "No theme (docker mode)" sends no theme message, as docker-mode hosts do.',
  'The legacy bootstrap message (off by default, as in production) carries a fresh emulator session token, usable as a Gateway bearer token; its expires_at (one hour) is not enforced.',
  'The main port proxies only /runner/ext-ui/* to the Runner (GET and HEAD), byte for byte; other /runner paths, and any with a . or .. segment however it is encoded (%2e, double encoding, backslashes), answer 404 RUNNER_PROXY_PATH_REFUSED, so /v1/execute and /healthz are never reachable from the browser.',
  'A refused apiproxy call\'s x-emulator-hint (why the Gateway refused and the fix) is shown in the developer panel\'s Gateway calls and in a notice above the frame; the iframe still gets production\'s reply, Proxy error <status>: <body> (production\'s host page shows neither).',
];
