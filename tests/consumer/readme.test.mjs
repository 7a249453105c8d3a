// Every JavaScript and TypeScript code block of the README compiles under `tsc --strict` against
// the packed package, as a reader would paste it into a TypeScript app: each block is its own
// module (so top-level await works), with the names the prose gives it (fixtures/readme/
// globals.d.ts: a loaded `lk`, an API `body`, ...). A failure names the block by its README line
// and section, and the line inside the README where tsc found the error.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './support/pack.mjs';
import { node } from './support/run.mjs';
import { readManifest, removeScratch, scratchApp } from './support/scratch.mjs';

const FIXTURE = fileURLToPath(new URL('fixtures/readme/', import.meta.url));
const tools = readManifest(ROOT).devDependencies;

/**
 * The README's ```js / ```ts blocks: { line (of the opening fence, 1-based), lang, code, section
 * (the nearest heading above) }.
 */
function readmeBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split('\n');
  let section = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const heading = /^#{1,6}\s+(.*)$/.exec(lines[i]);
    if (heading) section = heading[1];
    // A fence may be indented (a block inside a list item); its lines lose that indentation.
    const fence = /^( *)```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const [, indent, info] = fence;
    const start = i;
    for (i += 1; i < lines.length && !/^ *```\s*$/.test(lines[i]); i++);
    const lang = info.toLowerCase();
    const code = lines
      .slice(start + 1, i)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join('\n');
    if (['js', 'javascript', 'ts', 'typescript', 'mjs'].includes(lang))
      blocks.push({ line: start + 1, lang, code, section });
  }
  return blocks;
}

let scratch;
let app;
const blocks = readmeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));

before(async () => {
  const types = { typescript: tools.typescript, '@types/node': tools['@types/node'] };
  // The runtimes the adapter sections import, at the versions the repository tests with.
  for (const runtime of ['@huggingface/transformers', 'onnxruntime-node', '@mlc-ai/web-llm'])
    types[runtime] = tools[runtime];
  ({ scratch, app } = await scratchApp('readme', FIXTURE, types, (dir) =>
    // The in-browser model example the README shows (its JavaScript only; it is not in the package).
    cpSync(join(ROOT, 'examples/model'), join(dir, 'examples/model'), {
      recursive: true,
      filter: (path) => !/\.(bin|wasm|py|json)$|\/wasm$/.test(path),
    }),
  ));
  await compileBlocks();
});
after(() => removeScratch(scratch));

test('the README has code blocks to check', () => {
  assert.ok(blocks.length >= 10, `found ${blocks.length}`);
});

/**
 * README errors known and owned elsewhere, each with its reason: reported by a `todo` test (which
 * runs and prints them, but does not fail the run) instead of the main one. Remove an entry when
 * its fix lands; an entry that no longer matches any error fails the main test, so none lingers.
 */
const KNOWN = [];

let problems;
/** Compiles every block in the scratch app; fills `problems`. */
async function compileBlocks() {
  const files = new Map();
  for (const block of blocks) {
    const name = `readme-block-${block.line}.ts`;
    writeFileSync(join(app, name), `${block.code}\nexport {};\n`);
    files.set(name, block);
  }
  let output = '';
  try {
    await node(
      [join(app, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'],
      { cwd: app },
    );
  } catch (error) {
    output = String(error.message);
  }
  problems = [];
  for (const match of output.matchAll(
    /^(readme-block-\d+\.ts)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm,
  )) {
    const block = files.get(match[1]);
    const line = block.line + Number(match[2]);
    problems.push(
      `README.md:${line}:${match[3]} in the ${block.lang} block at line ${block.line} ("${block.section}"): ${match[4]} ${match[5]}`,
    );
  }
  // Anything tsc said that is not about a block (a broken fixture, the package's own .d.ts) too.
  problems.push(
    ...output
      .split('\n')
      .filter((line) => /error TS\d+/.test(line) && !/^readme-block-\d+\.ts\(/.test(line)),
  );
}

test(`every js/ts block of the README compiles with tsc --strict (TypeScript ${tools.typescript})`, () => {
  const unknown = problems.filter((problem) => !KNOWN.some(({ error }) => error.test(problem)));
  const stale = KNOWN.filter(({ error }) => !problems.some((problem) => error.test(problem)));
  assert.deepEqual(
    unknown,
    [],
    'README code blocks that strict TypeScript rejects (names a block uses without defining go in tests/consumer/fixtures/readme/globals.d.ts)',
  );
  assert.deepEqual(
    stale.map(({ reason }) => reason),
    [],
    'KNOWN entries whose error is gone: remove them',
  );
});

for (const { error, reason } of KNOWN) {
  test(`known README error, to fix: ${reason}`, { todo: reason }, () => {
    assert.deepEqual(
      problems.filter((problem) => error.test(problem)),
      [],
    );
  });
}
