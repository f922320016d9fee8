import { Duration } from 'aws-cdk-lib';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
/** See functions/adapters/binance/protobufStub/minimal.js; relative to ROOT, where esbuild runs. */
export const PROTOBUF_STUB = './functions/adapters/binance/protobufStub';

/**
 * Every MFT function: Node 24 (the newest runtime; cdk-nag L1) on arm64, one minified ESM bundle
 * (esbuild, target node22: the code also runs on Node 22 and 20) with the
 * pinned AWS SDK inside (the runtime's own SDK version is not ours to choose), a require shim for
 * CommonJS dependencies, and a log group with a retention.
 */
export function mftFunction(scope: Construct, id: string, handlerFile: string, allProps: Partial<NodejsFunctionProps> = {}): NodejsFunction {
  const { bundling: extraBundling, ...props } = allProps;
  const logGroup = new LogGroup(scope, `${id}Logs`, { retention: RetentionDays.THREE_MONTHS });
  return new NodejsFunction(scope, id, {
    entry: join(ROOT, 'functions', 'handlers', handlerFile),
    projectRoot: ROOT,
    depsLockFilePath: join(ROOT, 'package-lock.json'),
    runtime: Runtime.NODEJS_24_X,
    architecture: Architecture.ARM_64,
    memorySize: 1024,
    timeout: Duration.seconds(30),
    logGroup,
    bundling: {
      format: OutputFormat.ESM,
      target: 'node22',
      minify: true,
      sourceMap: false,
      mainFields: ['module', 'main'],
      // NodejsFunction leaves @aws-sdk/* out by default (the runtime's copy); we ship the pinned one.
      externalModules: [],
      banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      // ccxt reaches dydx code (never run by binanceusdm) that imports the uninstalled protobufjs
      esbuildArgs: { '--alias:protobufjs': PROTOBUF_STUB },
      // per function additions (e.g. command hooks that ship a file next to the bundle)
      ...extraBundling,
    },
    ...props,
  });
}
