// The lists that the C++ sampler and the TypeScript wrapper must agree on are written once on each
// side: LOGITKIT_STAGES, LOGITKIT_ORDER_LLAMA_CPP, LOGITKIT_SAMPLING_PARAMS, LOGITKIT_COMPATS,
// LOGITKIT_SAMPLE_RESULT_FIELDS (cpp/include/logitkit/sampler_tables.h), LOGITKIT_STATUS_CODES
// (status.h) and LOGITKIT_DTYPES (dtype.h) against the wrapper's descriptor arrays. The compiled
// modules export their rows (_abiName / _abiValue, cpp/bindings/bindings.cpp); this fails when a
// name, an order, a kind, a slot width or a default differs, or when one side has a row more.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { STATUS_TABLE } from '../../dist/errors.js';
import { DTYPES } from '../../dist/input.js';
import { ORDER_PRESETS, STAGE_ROWS, STAGES } from '../../dist/sampling/stages.js';
import { COMPATS } from '../../dist/sampling/options.js';
import { RESULT_FIELDS, SLOT_OPTIONS } from '../../dist/sampling/wire.js';

// AbiTable in bindings.cpp.
const TABLE = {
  stages: 0,
  orderLlamaCpp: 1,
  params: 2,
  paramSlots: 3,
  resultFields: 4,
  statusCodes: 5,
  dtypes: 6,
  compats: 7,
};

async function rawModule(flavor) {
  const { default: create } = await import(`../../dist/wasm/logitkit-${flavor}.mjs`);
  const wasmBinary = readFileSync(
    new URL(`../../dist/wasm/logitkit-${flavor}.wasm`, import.meta.url),
  );
  return create({ wasmBinary, print() {}, printErr() {} });
}

// Every row of a C++ table: { name, value }, up to the first row past the end (name address 0).
function rows(m, table) {
  const out = [];
  for (let row = 0; ; row++) {
    const address = m._abiName(table, row);
    if (address === 0) return out;
    const end = m.HEAPU8.indexOf(0, address);
    const name = new TextDecoder().decode(m.HEAPU8.subarray(address, end));
    out.push({ name, value: m._abiValue(table, row) });
  }
}

for (const flavor of ['simd', 'baseline']) {
  const m = await rawModule(flavor);

  test(`${flavor}: the stages, their kinds and the default order`, () => {
    const cpp = rows(m, TABLE.stages);
    assert.deepEqual(
      cpp.map((r) => r.name),
      [...STAGES],
    );
    assert.deepEqual(
      cpp.map((r) => (r.value === 0 ? 'processor' : 'filter')),
      STAGE_ROWS.map((row) => row.kind),
    );
  });

  test(`${flavor}: the llama.cpp order preset`, () => {
    assert.deepEqual(
      rows(m, TABLE.orderLlamaCpp).map((r) => r.name),
      [...ORDER_PRESETS['llama.cpp']],
    );
    assert.deepEqual(
      rows(m, TABLE.orderLlamaCpp).map((r) => r.value),
      ORDER_PRESETS['llama.cpp'].map((s) => STAGES.indexOf(s)),
    );
  });

  test(`${flavor}: the parameter slots: names, order, widths and defaults`, () => {
    const params = rows(m, TABLE.params);
    const widths = rows(m, TABLE.paramSlots);
    assert.deepEqual(
      params.map((r) => r.name),
      SLOT_OPTIONS.map((o) => o.name),
    );
    assert.deepEqual(
      widths.map((r) => r.value),
      SLOT_OPTIONS.map((o) => o.slotCount ?? 1),
    );
    SLOT_OPTIONS.forEach((option, i) => {
      // The seed's default is random on the JS side; every other default must agree on the wire.
      if (option.fallback === undefined) return;
      assert.deepEqual(
        option.slot(option.fallback),
        [params[i].value],
        `default of ${option.name}`,
      );
    });
  });

  test(`${flavor}: the result row`, () => {
    assert.deepEqual(
      rows(m, TABLE.resultFields).map((r) => r.name),
      [...RESULT_FIELDS],
    );
  });

  test(`${flavor}: the status codes, by code`, () => {
    const cpp = rows(m, TABLE.statusCodes);
    assert.deepEqual(
      cpp.map((r) => r.value),
      cpp.map((_, i) => i),
      'codes are 0, 1, 2, ...',
    );
    assert.deepEqual(
      cpp.map((r) => r.name),
      STATUS_TABLE.map((s) => s.name),
    );
    STATUS_TABLE.slice(1).forEach((s) => assert.equal(typeof s.error, 'function', s.name));
  });

  // Tables whose rows are names valued by their position.
  for (const [title, table, names] of [
    ['the compat rule sets, by value', TABLE.compats, COMPATS],
    ['the dtypes', TABLE.dtypes, DTYPES],
  ]) {
    test(`${flavor}: ${title}`, () => {
      const cpp = rows(m, table);
      assert.deepEqual(
        cpp.map((r) => r.name),
        [...names],
      );
      assert.deepEqual(
        cpp.map((r) => r.value),
        names.map((_, i) => i),
      );
    });
  }
}
