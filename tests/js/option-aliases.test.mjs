// The option spellings the published types accept are the ones the wrapper accepts at run time:
// SamplingOptionAliases (dist/index.d.ts, read with the TypeScript compiler API) lists exactly the
// snake_case names and extra aliases of OPTION_TABLE, each typed as its canonical option, and
// canonicalSamplingOptions maps each to that option.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { OPTION_TABLE } from '../../dist/sampling/options.js';
import { canonicalSamplingOptions } from '../../dist/sampling/parse.js';

const INDEX = fileURLToPath(new URL('../../dist/index.d.ts', import.meta.url));

// Each property of the exported type `name`: its declared type, as text.
function properties(name) {
  const program = ts.createProgram([INDEX], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(INDEX));
  const symbol = checker.getExportsOfModule(module).find((s) => s.name === name);
  assert.ok(symbol, `dist/index.d.ts exports ${name}`);
  const type = checker.getDeclaredTypeOfSymbol(checker.getAliasedSymbol(symbol));
  return new Map(
    type.getProperties().map((p) => {
      const declared = checker.getTypeOfSymbol(p);
      return [p.name, checker.typeToString(checker.getNonNullableType(declared))];
    }),
  );
}

const snakeCase = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

test('SamplingOptionAliases types exactly the spellings the wrapper accepts, as their options', () => {
  const canonical = properties('CanonicalSamplingOptions');
  const aliases = properties('SamplingOptionAliases');
  const expected = new Map();
  for (const row of OPTION_TABLE) {
    for (const spelling of [snakeCase(row.name), ...(row.aliases ?? [])])
      if (spelling !== row.name) expected.set(spelling, row.name);
  }
  assert.deepEqual([...aliases.keys()].sort(), [...expected.keys()].sort());
  for (const [alias, name] of expected) {
    assert.equal(aliases.get(alias), canonical.get(name), `${alias} is typed as ${name}`);
    const sentinel = {};
    assert.deepEqual(
      canonicalSamplingOptions({ [alias]: sentinel }, 'test'),
      { [name]: sentinel },
      `${alias} means ${name} at run time`,
    );
  }
  // The public SamplingOptions takes both: its keys are the canonical names and the aliases.
  assert.deepEqual(
    [...properties('SamplingOptions').keys()].sort(),
    [...canonical.keys(), ...aliases.keys()].sort(),
  );
});
