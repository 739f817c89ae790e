// The public names of the harness, read with the TypeScript compiler: every export of each entry
// point (values and types) and the members of `TestEmulator`. harness/README.md's API reference is
// checked against these (test/unit/readme-api.test.ts).
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Package entry points (package.json `exports`) whose API harness/README.md documents. */
export const HARNESS_ENTRY_POINTS: Readonly<Record<string, string>> = {
  'alga-extension-emulator/harness': 'harness/index.ts',
  'alga-extension-emulator/harness/vitest': 'harness/vitest.ts',
  'alga-extension-emulator/harness/matchers': 'harness/matchers.ts',
  'alga-extension-emulator/harness/playwright': 'harness/playwright.ts',
};

export interface PublicApi {
  /** Entry point → exported names, sorted. */
  exports: Record<string, string[]>;
  /** Members of `TestEmulator`, sorted. */
  emulatorMembers: string[];
}

export function readPublicApi(): PublicApi {
  const files = Object.values(HARNESS_ENTRY_POINTS).map((f) => `${ROOT}${f}`);
  const program = ts.createProgram(files, { allowImportingTsExtensions: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const exports: Record<string, string[]> = {};
  let emulatorMembers: string[] = [];
  for (const [entry, file] of Object.entries(HARNESS_ENTRY_POINTS)) {
    const source = program.getSourceFile(`${ROOT}${file}`);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`cannot read the exports of ${file}`);
    const names = checker.getExportsOfModule(symbol).map((s) => s.getName());
    exports[entry] = names.sort();
    const emu = checker.getExportsOfModule(symbol).find((s) => s.getName() === 'TestEmulator');
    if (emu) {
      const target = emu.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(emu) : emu;
      emulatorMembers = checker.getDeclaredTypeOfSymbol(target).getProperties().map((p) => p.getName()).sort();
    }
  }
  return { exports, emulatorMembers };
}
