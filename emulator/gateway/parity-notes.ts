/**
 * Where the Gateway deliberately differs from production (parity policy rules 2 and 3). Listed by
 * `npm run parity-notes` and in the README.
 */
export const GATEWAY_PARITY_NOTES: readonly string[] = [
  'Both Gateway routes pass on only the extension\'s own content-type, cache-control, x-ext-request-id and x-ext-warning headers (production\'s /api/ext takes content-type, cache-control and etag from the Runner\'s transport response instead, so browsers always see application/json).',
  'A Gateway call that outlives EXT_GATEWAY_TIMEOUT_MS answers 504 {"error":"timeout","requestId"} (production answers 502 bad_gateway).',
  'Request bodies over 10 MiB answer 413 payload_too_large on /api/ext-proxy too (production caps only /api/ext).',
  'Calls to endpoints missing from api.endpoints run with a warning on the debug stream that names the entry to add (EXT_GATEWAY_ENDPOINT_MODE=advisory, the default); production answers 404 endpoint_not_found, which EXT_GATEWAY_ENDPOINT_MODE=strict reproduces.',
  'Sessions come from the emulator\'s identity store (a shell sign-in cookie, or a dev bearer token per user) instead of NextAuth, and Gateway refusals add an x-emulator-hint header with the reason and the fix; bodies are production\'s.',
  'An ext-proxy POST whose __method (query parameter or JSON body field) is not GET, POST, PUT, PATCH or DELETE, in any case, answers 400 {"error":"invalid_method_override","message"} naming the allowed methods (production ignores it and runs the call as POST).',
];
