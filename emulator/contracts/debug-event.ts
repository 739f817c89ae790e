/** A debug-stream event (spec 02, "Debug stream event"): what the Runner, Gateway and shell exchange. */
export interface DebugEvent {
  ts: string;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  stream: 'log' | 'stdout' | 'stderr';
  tenant_id?: string;
  extension_id?: string;
  install_id?: string;
  request_id?: string;
  version_id?: string;
  content_hash?: string;
  message: string;
  truncated: boolean;
}
