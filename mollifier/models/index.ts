// The base architectures behind one factory. Each model is pointwise, has a field head (fieldChannels
// outputs) and a parameter head (1 output), and is differentiable to any order in its input and weights.
import { tf } from '../backend/tf.js';
import { ModelError } from './common.js';
import { createPinn, type PinnOptions } from './pinn.js';
import { createPirateNet, type PirateNetOptions } from './piratenet.js';
import { createPinnsFormer, type PinnsFormerOptions } from './pinnsformer.js';
import { modelNames, type FieldModel, type ModelName } from './types.js';

/** ModelOptions plus every model's own options (each model reads only its own). */
export type AnyModelOptions = PinnOptions & PirateNetOptions & PinnsFormerOptions;

export function isModelName(value: unknown): value is ModelName {
  return typeof value === 'string' && (modelNames as readonly string[]).includes(value);
}

// The last layer's weights that produce the field channels: all of PirateNet's factorised field head, the
// first fieldChannels columns of the shared output kernel elsewhere.
const fieldHeadWeights: Record<ModelName, { variable: string; columnsOnly: boolean }> = {
  pinn: { variable: 'output/kernel', columnsOnly: true },
  piratenet: { variable: 'fieldHead/direction', columnsOnly: false },
  pinnsformer: { variable: 'head2/kernel', columnsOnly: true },
};

function scaleFieldHead(model: FieldModel & { variableNames: readonly string[] }, fieldChannels: number, factor: number): void {
  const head = fieldHeadWeights[model.name];
  const variable = model.variables[model.variableNames.indexOf(head.variable)];
  if (!variable) throw new ModelError(`model ${model.name} has no variable ${head.variable}`);
  tf.tidy(() => {
    const columns = variable.shape[variable.shape.length - 1]!;
    const mask = Float32Array.from({ length: columns }, (_, c) => (!head.columnsOnly || c < fieldChannels ? factor : 1));
    variable.assign(tf.mul(variable, tf.tensor1d(mask)));
  });
}

export function createModel(name: ModelName, options: AnyModelOptions): FieldModel {
  let model: FieldModel & { variableNames: readonly string[] };
  switch (name) {
    case 'pinn':
      model = createPinn(options);
      break;
    case 'piratenet':
      model = createPirateNet(options);
      break;
    case 'pinnsformer':
      model = createPinnsFormer(options);
      break;
    default:
      throw new ModelError(`unknown model '${String(name)}' (expected one of ${modelNames.join(', ')})`);
  }
  const factor = options.fieldHeadScale ?? 1;
  if (!(factor > 0)) throw new ModelError(`fieldHeadScale ${factor} must be > 0`);
  if (factor !== 1) scaleFieldHead(model, options.fieldChannels, factor);
  return model;
}

export { ModelError, ridgeLeastSquares } from './common.js';
export { createPinn, pinnPresets, paperVariants, type PinnOptions, type PinnSizes, type PaperVariant, type NamedFieldModel } from './pinn.js';
export { createPirateNet, pirateNetPresets, weightFactorisation, type PirateNetOptions, type PirateNetSizes, type PirateNetModel } from './piratenet.js';
export { createPinnsFormer, pinnsFormerPresets, type PinnsFormerOptions, type PinnsFormerSizes } from './pinnsformer.js';
export { modelNames, modelPresets, type FieldModel, type ModelName, type ModelOptions, type ModelOutputs, type ModelPreset } from './types.js';
