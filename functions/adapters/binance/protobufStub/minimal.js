// Bundling stand-in for `protobufjs/minimal.js` (not installed; ccxt does not depend on it).
// ccxt's dydx code imports it statically, and ccxt's base Exchange reaches that code through
// dynamic imports, so esbuild must resolve it; binanceusdm never executes it. Aliased in
// lib/constructs/lambdaDefaults.ts and bench/bundleBench.ts (`--alias:protobufjs=<this dir>`).
export default {};
