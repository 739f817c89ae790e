import type { DoctorProblem, DoctorReport } from './problems.ts';

/**
 * The report as plain text for a terminal or CI log: a header, one line per problem and warning
 * with its fix, and a verdict line.
 *
 * @example console.log(formatDoctorReport(await runDoctor('bundle.tar.zst')))
 * // doctor: bundle.tar.zst (sha256:…)
 * // ERROR WASM_MISSING dist/main.wasm: manifest.json declares 1 endpoint but … Fix: Build …
 * // FAILED: 1 problem, 0 warnings
 */
export function formatDoctorReport(r: DoctorReport): string {
  const lines = [`doctor: ${r.source}${r.contentHash === undefined ? '' : ` (${r.contentHash})`}`];
  lines.push(`checked: ${r.checked.length === 0 ? 'nothing' : r.checked.join(', ')}`);
  for (const p of r.problems) lines.push(line('ERROR', p));
  for (const w of r.warnings) lines.push(line('WARN', w));
  const counts = `${count(r.problems.length, 'problem')}, ${count(r.warnings.length, 'warning')}`;
  lines.push(r.ok ? `OK: ${counts}` : `FAILED: ${counts}`);
  return lines.join('\n');
}

function line(level: string, p: DoctorProblem): string {
  // Messages from other modules may end with their own period; keep exactly one before the fix.
  return `${level} ${p.code} ${p.where}: ${p.message.replace(/\.+$/, '')}. Fix: ${p.fix}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
