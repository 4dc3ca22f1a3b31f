// The package ships no types; this is the slice of its API we use (see pipeline/render/media/espeak.ts).
declare module '@echogarden/espeak-ng-emscripten' {
  const factory: () => Promise<unknown>;
  export default factory;
}
