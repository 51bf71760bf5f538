// The echogarden WASM packages ship no type declarations; each wrapper here declares what it uses.
declare module '@echogarden/speex-resampler-wasm' {
  const init: (moduleArg?: object) => Promise<unknown>;
  export default init;
}
declare module '@echogarden/fvad-wasm' {
  const init: (moduleArg?: object) => Promise<unknown>;
  export default init;
}
declare module '@echogarden/speex-resampler-wasm/simd' {
  const init: (moduleArg?: object) => Promise<unknown>;
  export default init;
}
