/**
 * Wasmtime refuses to link a guest whose imports are outside the world or whose types differ
 * from the host's (record field order included). jco's generated declarations list records
 * field by field and enums case by case in WIT order, so comparing the guest's declarations with
 * ones generated from our own WIT finds the same mismatches.
 */

const WORLD_PACKAGE = 'alga:extension/';

/** Declaration name → normalised text, per interface declaration file. */
export type InterfaceDeclarations = Map<string, Map<string, string>>;

/** Parses jco's `interfaces/*.d.ts` files (name → text) into comparable declarations. */
export function parseDeclarations(files: Record<string, string>): InterfaceDeclarations {
  const out: InterfaceDeclarations = new Map();
  for (const [file, text] of Object.entries(files)) {
    const match = /^interfaces\/(.+)\.d\.ts$/.exec(file);
    if (match?.[1]) out.set(match[1], declarationsOf(text));
  }
  return out;
}

function declarationsOf(text: string): Map<string, string> {
  const clean = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const decls = new Map<string, string>();
  const pattern = /(?:export\s+)?(interface|type|function)\s+([A-Za-z_$][\w$]*)([\s\S]*?)(?=\n(?:export\s+|function\s+)|$)/g;
  for (const m of clean.matchAll(pattern)) {
    decls.set(`${m[1]} ${m[2]}`, `${m[1]} ${m[2]}${m[3] ?? ''}`.replace(/\s+/g, ' ').trim());
  }
  return decls;
}

/** Every reason the guest would fail to link against the host's world; empty when it links. */
export function linkProblems(
  guestImports: readonly string[],
  guest: InterfaceDeclarations,
  host: InterfaceDeclarations,
): string[] {
  const problems: string[] = [];
  for (const name of guestImports) {
    if (!name.startsWith(WORLD_PACKAGE) || !host.has(fileNameOf(name))) {
      problems.push(`component imports "${name}", which is not part of world alga:extension/runner`);
    }
  }
  for (const [file, decls] of guest) {
    const hostDecls = host.get(file);
    if (!hostDecls) continue;
    for (const [name, text] of decls) {
      const hostText = hostDecls.get(name);
      if (hostText === undefined) {
        problems.push(`${interfaceOf(file)}: ${name} is not defined by the host's world`);
      } else if (hostText !== text) {
        problems.push(`${interfaceOf(file)}: ${name} differs from the host's (guest: ${text}; host: ${hostText})`);
      }
    }
  }
  return problems;
}

function fileNameOf(importName: string): string {
  // A versioned import (`…/storage@0.1.0`) does not match the unversioned world, as in Wasmtime.
  return importName.includes('@') ? `versioned:${importName}` : importName.replace(':', '-').replace(/\//g, '-');
}

function interfaceOf(file: string): string {
  return file.replace(/^alga-extension-/, WORLD_PACKAGE);
}
