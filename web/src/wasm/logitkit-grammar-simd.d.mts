// Types for the grammar module's Emscripten glue, placed beside the compiled JS in dist/wasm/.
import type { GrammarModuleFactory } from '../grammar/raw.js';
declare const factory: GrammarModuleFactory;
export default factory;
