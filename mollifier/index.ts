// The curated public entry of the science library.
export { tf, initBackend, resetBackendChoice, parseBackendName, backendNames, BackendError, logSoftmax, backendAvailability, probeWebGpu, peakTensorBytes } from './backend/index.js';
export { watchTensorBytes } from './backend/peak-memory.js';
export type { BackendChoice, BackendName, BackendOptions, BackendAvailability, WebGpuProbe } from './backend/index.js';
export { loadNativeAddon, nativeWanted, nativeCallCounts, describeNative, installNativeKernels, tanhGrad, tanhDerivative } from './backend/index.js';
export type { NativeStatus, NativeAddon, NativeCallCounts } from './backend/index.js';
export type { Tensor, Tensor1D, Tensor2D } from './backend/tf.js';
export * from './core.js';
export {
  KernelError,
  assertKernelFamily,
  assertOperator2d,
  familyDescription,
  kernelFamilies,
  familyMaxOrder,
  kernelWeights1d,
  kernelWeights2d,
  kernelMoment1d,
  operators2d as kernelOperators2d,
  type KernelFamily,
  type KernelSpec1d,
  type KernelSpec2d,
  type Operator2d,
  type Spacing2d,
} from './kernels/index.js';
export {
  LayerError,
  Mollifier1d,
  Mollifier2d,
  mollify1d,
  mollify2d,
  boundaryModes,
  assertBoundaryMode,
  type BoundaryMode,
  type Mollifier1dOptions,
  type Mollifier2dOptions,
} from './layer/index.js';
export { AutodiffError, derivative1d, derivatives1d, derivatives1dOfOutputs, operators2d, operators2dOfOutputs, laplacian2d, biharmonic2d, type PointFunction } from './autodiff/index.js';
export { createMlp, type Mlp, type MlpOptions } from './nets/index.js';
export * from './pdes/index.js';
export { spectralLaplacian } from './pdes/spectral.js';
export * from './problems/index.js';
export * from './models/index.js';
export * from './training/index.js';
export { modelWeights, restoreWeights, type ModelWeights } from './training/weights.js';
export { runJob, validateJob, resolveJob, jobDefaults, type JobConfig, type ResolvedJobConfig, type JobResult, type RunJobOptions } from './training/job.js';
export { noNetworkModel } from './training/no-network.js';
export * from './metrics/index.js';
export {
  formatNumber,
  writeInstance,
  readInstance,
  readComsolField,
  readParamField,
  type ParamFieldSpec,
  readStormField,
  type ComsolField,
  type ParamField,
  type StormField,
} from './io/index.js';
