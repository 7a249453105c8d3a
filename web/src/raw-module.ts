/** Where a draw's results go, per row: the result row, the top list (topN entries), the samples. */
export type OutputArgs = [
  result: number,
  topIndices: number,
  topLogprobs: number,
  topN: number,
  sampleTokens: number,
  sampleLogprobs: number,
  sampleCapacity: number,
];

/**
 * The shape of the embind module (cpp/bindings/bindings.cpp). Raw functions take wasm addresses
 * as numbers; every one returning a number that is not an address returns a packed status.
 */
export interface RawModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(address: number): void;
  _softmax(logits: number, n: number, temperature: number, out: number): number;
  _logSoftmax(logits: number, n: number, temperature: number, out: number): number;
  _logSumExp(logits: number, n: number, temperature: number, out: number): number;
  _entropy(logits: number, n: number, temperature: number, out: number): number;
  _argmax(logits: number, n: number, out: number): number;
  _topK(logits: number, n: number, k: number, indices: number, values: number): number;
  _topLogprobs(
    logits: number,
    n: number,
    k: number,
    temperature: number,
    indices: number,
    logprobs: number,
  ): number;
  _samplerCreate(): number;
  _samplerDestroy(sampler: number): void;
  _samplerConfigure(sampler: number, slots: number, order: number, orderLength: number): number;
  _samplerSetList(
    sampler: number,
    stage: number,
    tokens: number,
    lengths: number,
    values: number,
    count: number,
  ): number;
  _samplerActiveStages(sampler: number, out: number): number;
  _samplerSample(sampler: number, logits: number, n: number, ...outputs: OutputArgs): number;
  _sampleRows(
    handles: number,
    rows: number,
    logits: number,
    n: number,
    ...outputsThenFailedRow: [...OutputArgs, failedRow: number]
  ): number;
  _samplerAccept(sampler: number, token: number): number;
  _samplerClone(sampler: number): number;
  _samplerMu(sampler: number): number;
  _samplerHistorySize(sampler: number): number;
  _convertHalf(input: number, n: number, dtype: number, out: number): void;
  _applyBitmask(logits: number, n: number, bitmask: number, words: number): void;
  _samplerReset(sampler: number): void;
  _abiName(table: number, row: number): number;
  _abiValue(table: number, row: number): number;
}

/** The factory an Emscripten MODULARIZE build exports. */
export type ModuleFactory = (overrides: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<RawModule>;
