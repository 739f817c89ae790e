// The four README files: a short top-level README with exactly two set-up commands, relative links
// that resolve (files and heading anchors), and a samples guide that covers every sample.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = ['README.md', 'emulator/README.md', 'harness/README.md', 'sample-extensions/README.md', 'emulator/capabilities/README.md'];
/**
 * Link targets (from the repository root) that another branch is writing and that may be missing
 * until it merges. Once such a file exists its links are checked like any other.
 */

const read = (doc: string): string => readFileSync(join(ROOT, doc), 'utf8');

/** The `## title` section of `text`, up to the next `## ` heading. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`);
  if (start < 0) return '';
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start + 1, end < 0 ? undefined : end);
}

/** Markdown text without fenced code blocks, where `[x](y)` is not a link. */
function withoutCode(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor of a heading: lower-case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of withoutCode(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = (heading ?? '').toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every relative link of a doc: its target path from the root (or the doc itself) and its anchor. */
function relativeLinks(doc: string): { link: string; path: string; anchor: string | undefined }[] {
  return [...withoutCode(read(doc)).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] ?? '')
    .filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link))
    .map((link) => {
      const [target = '', anchor] = link.split('#');
      const path = target === '' ? doc : relative(ROOT, join(ROOT, dirname(doc), target));
      return { link, path, anchor };
    });
}

describe('README.md is short', () => {
  const readme = read('README.md');

  it('has at most 200 lines', () => {
    expect(readme.trimEnd().split('\n').length).toBeLessThanOrEqual(200);
  });

  it('has exactly the two set-up commands, in one block, in its set-up section', () => {
    const setUp = section(readme, 'Set up');
    const blocks = [...setUp.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)];
    expect(blocks.map((b) => b[1])).toEqual(['sh']);
    const commands = (blocks[0]?.[2] ?? '').split('\n').map((l) => l.split('#')[0]?.trim()).filter((l) => l !== '');
    expect(commands).toEqual(['npm install && npm run emulate', 'npm test']);
  });
});

describe('links between the READMEs', () => {
  it.each(DOCS)('every relative link of %s resolves to an existing file or folder, and every anchor to a heading', (doc) => {
    const broken: string[] = [];
    for (const { link, path, anchor } of relativeLinks(doc)) {
      if (!existsSync(join(ROOT, path))) {
        broken.push(`${link}: no ${path}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!path.endsWith('.md') || statSync(join(ROOT, path)).isDirectory()) broken.push(`${link}: an anchor into a file that is not markdown`);
      else if (!anchors(read(path)).has(anchor)) broken.push(`${link}: no heading #${anchor} in ${path}`);
    }
    expect(broken).toEqual([]);
  });

  it('points "Adding a capability" at the capabilities guide, and says nothing else', () => {
    expect(section(read('emulator/README.md'), 'Adding a capability').trim()).toBe(
      '## Adding a capability\n\nSee [emulator/capabilities/README.md](capabilities/README.md).',
    );
  });
});

describe('sample-extensions/README.md', () => {
  const samples = readdirSync(join(ROOT, 'sample-extensions'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

  it('has a section for every sample, and none for a sample that does not exist', () => {
    const sections = [...read('sample-extensions/README.md').matchAll(/^## ([a-z0-9-]+)$/gm)].map((m) => m[1]).sort();
    expect(sections).toEqual(samples);
  });

  it('gets one line per sample in README.md', () => {
    const lines = [...section(read('README.md'), 'Samples').matchAll(/^- \[([a-z-]+)\]\(sample-extensions\/README\.md#\1\): /gm)].map((m) => m[1]).sort();
    expect(lines).toEqual(samples);
  });
});
