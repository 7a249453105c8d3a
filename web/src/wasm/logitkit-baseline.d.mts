// Types for the Emscripten glue that scripts/build.sh places beside the compiled JS in dist/wasm/.
import type { ModuleFactory } from '../raw-module.js';
declare const factory: ModuleFactory;
export default factory;
