export { KernelError } from './errors.js';
export {
  kernelFamilies,
  maxSupportedOrder,
  isKernelFamily,
  assertKernelFamily,
  familyMaxOrder,
  familyDescription,
  profileDerivatives,
  profileFamilies,
  type KernelFamily,
  type ProfileFamily,
} from './families.js';
export {
  kernelWeights1d,
  unitKernelWeights,
  kernelMoment1d,
  centralDifferenceWeights,
  minimumRadius,
  validateRadius,
  validateSpacing,
  validateOrder,
  type KernelSpec1d,
} from './discretise.js';
export {
  operators2d,
  operatorTerms,
  operatorAxisOrder,
  assertOperator2d,
  assertFamilyGivesOperator,
  kernelWeights2d,
  spacingPair,
  type Operator2d,
  type SeparableTerm,
  type Spacing2d,
  type KernelSpec2d,
} from './operators2d.js';
