/**
 * The egress allowlist (`EXT_EGRESS_ALLOWLIST`): a comma list of hosts; a host is allowed when it
 * equals an entry or ends with `.entry`; ports are ignored; `*` allows every host. An empty list
 * denies everything (the seeds' rule; production allows all — see the parity notes and
 * `EXT_EGRESS_EMPTY_ALLOWS_ALL`).
 */
export interface EgressPolicy {
  readonly entries: readonly string[];
  readonly allowAll: boolean;
  allows(host: string): boolean;
}

export function parseEgressAllowlist(raw: string | undefined, emptyAllowsAll = false): EgressPolicy {
  const entries = (raw ?? '')
    .split(',')
    .map((entry) => stripPort(hostOf(entry.trim().toLowerCase())))
    .filter((entry) => entry !== '');
  const allowAll = entries.includes('*') || (entries.length === 0 && emptyAllowsAll);
  return {
    entries,
    allowAll,
    allows(host: string): boolean {
      if (allowAll) return true;
      const name = stripPort(host.toLowerCase());
      return entries.some((entry) => name === entry || name.endsWith(`.${entry}`));
    },
  };
}

/** An entry written as a URL (`https://api.example.com/v1`) means its host. */
function hostOf(entry: string): string {
  const scheme = entry.indexOf('://');
  const rest = scheme >= 0 ? entry.slice(scheme + 3) : entry;
  return rest.split('/')[0] ?? '';
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon > 0 && host.indexOf(':') === colon ? host.slice(0, colon) : host;
}
