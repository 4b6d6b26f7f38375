export { tf } from './tf.js';
export {
  initBackend,
  resetBackendChoice,
  parseBackendName,
  backendNames,
  BackendError,
  type BackendChoice,
  type BackendName,
  type BackendOptions,
} from './select.js';
export { backendAvailability, type BackendAvailability } from './availability.js';
export { probeWebGpu, vulkanDriversDeclared, vulkanManifestDirs, type WebGpuProbe } from './webgpu.js';
export { adapterLabel, isSoftwareAdapter, noAdapterReason, type WebGpuAdapterInfo } from './webgpu-adapter.js';
export { installWebGpuErrorGuard, WebGpuError } from './webgpu-errors.js';
export { installHigherOrderGradients, higherOrderGradientKernels, logSoftmax } from './higher-order-gradients.js';
export { installWasmTransposeFreeMatMul, wasmMatMulIsTransposeFree, transposeFreeMatMul } from './wasm-matmul.js';
export { peakTensorBytes } from './peak-memory.js';
export { installNativeKernels, nativeCallCounts, describeNative, isNativeKernel, type NativeStatus } from './native/install.js';
export { loadNativeAddon, nativeWanted, type NativeAddon } from './native/addon.js';
export { matMulPlan, reductionPlan, binaryPlan, type NativeCallCounts } from './native/kernels.js';
export { tanhGrad, tanhDerivative } from './native/tanh-grad.js';
export { tanhDerivativeFactor, maxTanhDerivativeOrder } from './native/tanh-factor.js';
