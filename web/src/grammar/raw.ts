/**
 * The shape of the grammar module's embind bindings (cpp/bindings/grammar_bindings.cpp). Handles
 * are wasm addresses (0 on failure, with the failure readable through `_lastError*`).
 */
export interface RawGrammarModule {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(address: number): void;
  _lastError(): string;
  _lastErrorCode(): string;
  _lastErrorPosition(): number;
  _lastErrorPointer(): string;
  _vocabBuild(
    type: number,
    blob: number,
    blobSize: number,
    lengths: number,
    flags: number,
    count: number,
    vocabSize: number,
    stop: number,
    stopCount: number,
    lengthsInBytes: boolean,
  ): number;
  _vocabDeserialize(data: number, size: number): number;
  _vocabFromJson(
    text: number,
    size: number,
    vocabSize: number,
    stop: number,
    stopCount: number,
    useDefaultStops: boolean,
    defaultStopNames: string,
  ): number;
  _vocabFree(handle: number): void;
  _vocabSize(handle: number): number;
  _vocabTokenCount(handle: number): number;
  _vocabType(handle: number): number;
  _vocabKind(handle: number, id: number): number;
  _vocabStopCount(handle: number): number;
  _vocabStopId(handle: number, index: number): number;
  _vocabTokenLength(handle: number, id: number): number;
  _vocabTokenBytes(handle: number, id: number): number;
  _vocabMemory(handle: number): number;
  _vocabSerialize(handle: number): number;
  _vocabSerialized(handle: number): number;
  _vocabReleaseSerialized(handle: number): void;
  _compileGbnf(
    vocab: number,
    gbnf: string,
    root: string,
    timeoutMs: number,
    maxStates: number,
  ): number;
  _compileJsonSchema(
    vocab: number,
    schema: string,
    whitespaceMaxRun: number,
    strict: boolean,
    timeoutMs: number,
    maxStates: number,
  ): number;
  _compileRegex(vocab: number, pattern: string, timeoutMs: number, maxStates: number): number;
  _compileBuiltinJson(
    vocab: number,
    whitespaceMaxRun: number,
    timeoutMs: number,
    maxStates: number,
  ): number;
  _schemaToGbnf(schema: string, whitespaceMaxRun: number, strict: boolean): string;
  _compiledFree(handle: number): void;
  _compiledWarningCount(handle: number): number;
  _compiledWarning(handle: number, index: number): string;
  _compiledMemory(handle: number): number;
  _matcherCreate(compiled: number, terminateWithoutStopToken: boolean): number;
  _matcherFree(handle: number): void;
  _matcherAcceptToken(handle: number, id: number): number;
  _matcherAcceptBytes(handle: number, bytes: number, n: number): number;
  _matcherFillMask(handle: number, out: number): number;
  _matcherRollback(handle: number, n: number): boolean;
  _matcherReset(handle: number): void;
  _matcherFork(handle: number): number;
  _matcherIsTerminated(handle: number): boolean;
  _matcherCanEnd(handle: number): boolean;
  _matcherHistorySize(handle: number): number;
  _matcherJumpForward(handle: number): string;
}

/** The factory the grammar module's MODULARIZE build exports. */
export type GrammarModuleFactory = (overrides: {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}) => Promise<RawGrammarModule>;
