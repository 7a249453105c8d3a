// The backstop for objects that own wasm memory (buffers, samplers): a FinalizationRegistry that
// prints a warning when one is garbage-collected without `dispose()`. Only a backstop: it never
// fires in synchronous code, so callers must dispose what they create.
const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<string>((warning) => console.warn(warning))
    : undefined;

/** Warns `warning` if `owner` is collected before `undisposed.forget(owner)`. */
export const undisposed = {
  watch(owner: object, warning: string): void {
    registry?.register(owner, warning, owner);
  },
  forget(owner: object): void {
    registry?.unregister(owner);
  },
};
