#!/usr/bin/env node
// Writes docs/API.md, the API reference, from the published type declarations (dist/index.d.ts,
// dist/logprobs/index.d.ts and the runtime adapters' entries, after scripts/build.sh) with the TypeScript compiler API, so the
// reference says exactly what users' editors show. It lists every export of every entry point;
// members marked @internal and private members are left out.
//
//   node scripts/api-docs.mjs           regenerate docs/API.md
//   node scripts/api-docs.mjs --check   write nothing; exit 1 if docs/API.md is stale or a public
//                                       declaration, member or option has no TSDoc comment
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const OUTPUT = join(ROOT, 'docs/API.md');
const ENTRIES = [
  { specifier: 'logitkit', file: 'dist/index.d.ts' },
  { specifier: 'logitkit/logprobs', file: 'dist/logprobs/index.d.ts' },
  { specifier: 'logitkit/transformers', file: 'dist/transformers/index.d.ts' },
  { specifier: 'logitkit/webllm', file: 'dist/webllm/index.d.ts' },
  { specifier: 'logitkit/onnxruntime', file: 'dist/onnxruntime/index.d.ts' },
];
const SECTIONS = [
  ['function', 'Functions'],
  ['class', 'Classes'],
  ['interface', 'Interfaces'],
  ['type', 'Types'],
  ['const', 'Constants'],
];

const program = ts.createProgram(
  ENTRIES.map(({ file }) => join(ROOT, file)),
  {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    strict: true,
    noEmit: true,
  },
);
const checker = program.getTypeChecker();
const gaps = []; // public things without a TSDoc comment, as "entry: Name.member"

/** The TSDoc of a symbol as Markdown: its text, then its block tags (@param, @throws, ...); '' if none. */
function docOf(symbol) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  const tags = symbol
    .getJsDocTags(checker)
    .filter((tag) => tag.name !== 'internal')
    .map((tag) => {
      const body = ts
        .displayPartsToString(tag.text ?? [])
        .replace(/\s+/g, ' ')
        .trim();
      return `- \`@${tag.name}\` ${body}`;
    });
  return [text, tags.join('\n')].filter(Boolean).join('\n\n');
}

function isInternal(symbol) {
  return symbol.getJsDocTags(checker).some((tag) => tag.name === 'internal');
}

/** A declaration's source text without `export declare`, dedented to its own column. */
function codeOf(node) {
  const file = node.getSourceFile();
  const column = file.getLineAndCharacterOfPosition(node.getStart()).character;
  const lines = node
    .getText()
    .replace(/^export (declare )?/, '')
    .split('\n');
  return lines
    .map((line, i) => (i === 0 ? line : line.slice(Math.min(column, line.search(/\S|$/)))))
    .join('\n');
}

const oneLine = (text) => text.replace(/\s+/g, ' ').trim();
const cell = (text) => oneLine(text).replace(/\|/g, '\\|');
const fence = (code) => `\`\`\`ts\n${code}\n\`\`\``;

function kindOf(declaration) {
  if (ts.isFunctionDeclaration(declaration)) return 'function';
  if (ts.isClassDeclaration(declaration)) return 'class';
  if (ts.isInterfaceDeclaration(declaration)) return 'interface';
  if (ts.isTypeAliasDeclaration(declaration)) return 'type';
  if (ts.isVariableDeclaration(declaration)) return 'const';
  throw new Error(
    `api-docs: no rendering for ${ts.SyntaxKind[declaration.kind]} ${declaration.name?.getText()}`,
  );
}

function requireDoc(text, where) {
  if (text === '') gaps.push(where);
  return text;
}

/** A table of an interface's properties, inherited ones included (they are options too). */
function renderInterface(symbol, where) {
  const rows = [];
  for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
    const declaration = property.declarations?.[0];
    if (declaration === undefined || isInternal(property)) continue;
    const owner = declaration.parent.name?.getText();
    const from = owner !== undefined && owner !== symbol.name ? ` (from \`${owner}\`)` : '';
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    const type = declaration.type
      ? declaration.type.getText()
      : checker.typeToString(checker.getTypeOfSymbol(property));
    const doc =
      owner === symbol.name
        ? requireDoc(docOf(property), `${where}.${property.name}`)
        : docOf(property);
    rows.push(`| \`${property.name}${optional}\` | \`${cell(type)}\` | ${cell(doc)}${from} |`);
  }
  if (rows.length === 0) return '';
  return ['| property | type | description |', '|---|---|---|', ...rows].join('\n');
}

/** A class's public members (not private, not @internal), each with its signature and TSDoc. */
function renderClass(symbol, declaration, where) {
  const parts = [];
  const isError = (declaration.heritageClauses ?? []).some((clause) =>
    /Error\b/.test(clause.getText()),
  );
  for (const member of declaration.members) {
    const modifiers = ts.getCombinedModifierFlags(member);
    if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
    if (member.name && ts.isPrivateIdentifier(member.name)) continue;
    const memberSymbol = member.name ? checker.getSymbolAtLocation(member.name) : member.symbol;
    if (memberSymbol === undefined || isInternal(memberSymbol)) continue;
    const name = ts.isConstructorDeclaration(member) ? 'constructor' : member.name.getText();
    // An Error's `name` is the class name, and a constructor is described by its class: no TSDoc
    // needed. Every other public member needs one.
    if (isError && name === 'name') continue;
    const doc = docOf(memberSymbol);
    if (name !== 'constructor') requireDoc(doc, `${where}.${name}`);
    parts.push(
      `##### \`${symbol.name}.${name}\`\n\n${fence(codeOf(member))}${doc ? `\n\n${doc}` : ''}`,
    );
  }
  return parts.join('\n\n');
}

const resolve = (symbol) =>
  symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;

/** The declaration that documents a symbol: a class merged with an interface is the class. */
const mainDeclaration = (symbol) =>
  symbol.declarations.find((d) => ts.isClassDeclaration(d)) ?? symbol.declarations[0];

function renderExport(entry, exported) {
  const symbol = resolve(exported);
  const declarations = symbol.declarations ?? [];
  const main = mainDeclaration(symbol);
  const kind = kindOf(main);
  const where = `${entry.specifier}: ${exported.name}`;
  const doc = requireDoc(docOf(symbol), where);
  const lines = [`#### \`${exported.name}\``, ''];
  const notes = fileNotes(main);
  if (notes) lines.push(notes, '');
  if (kind === 'function' || kind === 'type' || kind === 'const') {
    const code =
      kind === 'const'
        ? `const ${codeOf(main)}` // the VariableDeclaration, without its `declare const`
        : declarations.map(codeOf).join('\n');
    lines.push(fence(code), '');
    if (doc) lines.push(doc, '');
  } else {
    const declaration = main;
    const heritage = (declaration.heritageClauses ?? [])
      .map((clause) => clause.getText())
      .join(' ');
    lines.push(
      fence(
        `${kind} ${exported.name}${declaration.typeParameters ? `<${declaration.typeParameters.map((p) => p.getText()).join(', ')}>` : ''}${heritage ? ` ${heritage}` : ''}`,
      ),
      '',
    );
    if (doc) lines.push(doc, '');
    const body =
      kind === 'class' ? renderClass(symbol, declaration, where) : renderInterface(symbol, where);
    if (body) lines.push(body, '');
  }
  return { kind, name: exported.name, text: lines.join('\n') };
}

/**
 * A .d.ts file's own description as Markdown: a leading /** comment that is not the TSDoc of the
 * file's first declaration. Lines indented by 2+ spaces are code, unless they continue a list item.
 */
function moduleDoc(file) {
  const text = file.getFullText();
  const first = file.statements[0];
  const ranges = (ts.getLeadingCommentRanges(text, 0) ?? []).filter((r) =>
    text.startsWith('/**', r.pos),
  );
  const attached =
    first !== undefined && !ts.isImportDeclaration(first) && !ts.isExportDeclaration(first) ? 1 : 0;
  if (ranges.length <= attached) return '';
  const lines = text
    .slice(ranges[0].pos + 3, ranges[0].end - 2)
    .split('\n')
    .map((line) => line.replace(/^\s*\* ?/, ''));
  const out = [];
  let code = [];
  let inList = false;
  const flush = () => {
    if (code.length > 0) out.push('', fence(code.join('\n')), '');
    code = [];
  };
  for (const line of lines) {
    if (/^ {2,}\S/.test(line) && !inList) {
      code.push(line.slice(2));
      continue;
    }
    flush();
    if (/^- /.test(line)) inList = true;
    else if (line.trim() === '') inList = false;
    out.push(line);
  }
  flush();
  return out.join('\n').trim();
}

/** Files whose description has been shown: each appears once, before the first export it declares. */
const described = new Set();

/** The description of the file that declares `declaration`, the first time that file comes up. */
function fileNotes(declaration) {
  const file = declaration.getSourceFile();
  if (described.has(file.fileName)) return '';
  described.add(file.fileName);
  return moduleDoc(file);
}

function renderEntry(entry) {
  const file = program.getSourceFile(join(ROOT, entry.file));
  if (file === undefined)
    throw new Error(`api-docs: ${entry.file} is missing: run \`bash scripts/build.sh\` first`);
  described.add(file.fileName); // its description opens the section instead
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(file));
  // Functions first, so a file's description lands on its main function rather than on a type.
  const order = Object.fromEntries(SECTIONS.map(([kind], i) => [kind, i]));
  const rendered = exported
    .map((symbol) => ({ symbol, kind: kindOf(mainDeclaration(resolve(symbol))) }))
    .sort((a, b) => order[a.kind] - order[b.kind])
    .map(({ symbol }) => renderExport(entry, symbol));
  const out = [`## \`${entry.specifier}\``, '', moduleDoc(file), ''];
  const sections = SECTIONS.map(([kind, title]) => ({
    title,
    items: rendered.filter((item) => item.kind === kind),
  })).filter(({ items }) => items.length > 0);
  for (const { title, items } of sections)
    out.push(`- ${title}: ${items.map((item) => `\`${item.name}\``).join(', ')}`);
  out.push('');
  for (const { title, items } of sections)
    out.push(`### ${title}`, '', ...items.map((item) => item.text));
  return out.join('\n');
}

function generate() {
  const toc = ENTRIES.map(
    ({ specifier }) => `- [\`${specifier}\`](#${specifier.replace(/[^a-z]/g, '')})`,
  );
  const header = [
    '# logitkit API reference',
    '',
    '<!-- Generated by `node scripts/api-docs.mjs` from dist/**/*.d.ts. Do not edit: change the TSDoc in web/src. -->',
    '',
    'Every export of both entry points, with the signatures and TSDoc comments of the published type',
    'declarations. The README explains the semantics (sampling order, accuracy, errors, memory) and',
    '[GUIDE.md](GUIDE.md) shows typical uses.',
    '',
    ...toc,
    '',
  ];
  return `${[...header, ...ENTRIES.map(renderEntry)]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

const markdown = generate();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUTPUT, 'utf8');
  } catch {
    /* missing: stale */
  }
  const problems = gaps.map((gap) => `no TSDoc comment: ${gap}`);
  if (current !== markdown) problems.push('docs/API.md is stale: run `node scripts/api-docs.mjs`');
  for (const problem of problems) console.error(`api-docs: ${problem}`);
  process.exit(problems.length > 0 ? 1 : 0);
}
writeFileSync(OUTPUT, markdown);
console.log(
  `api-docs: wrote docs/API.md (${markdown.length} characters)${gaps.length ? `; ${gaps.length} declarations lack TSDoc:\n  ${gaps.join('\n  ')}` : ''}`,
);
