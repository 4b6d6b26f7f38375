// A trained model's weights in TensorFlow.js's weights format: the manifest entries (name, shape, dtype) and one
// binary of float32 values, as `tf.io.encodeWeights` writes them and a model.json's `weightsManifest` names them
// (`train --weights` and `sweep weights` write that pair: bin/weights-files.ts). Our models are not tf.LayersModel
// graphs: the description (the sizes createModel resolved) says which model to build, and `restoreWeights` puts
// the values back into it.
import { tf } from '../backend/tf.js';
import type { FieldModel } from '../models/types.js';
import { ModelError } from '../models/common.js';

type WeightsManifestEntry = tf.io.WeightsManifestEntry;

export interface ModelWeights {
  /** The model's description (architecture name and resolved sizes), as in a result's `model`. */
  model: Record<string, number | string | boolean>;
  specs: WeightsManifestEntry[];
  /** The values, in `specs` order, little-endian float32. */
  data: Uint8Array;
}

const namesOf = (model: FieldModel): readonly string[] => (model as { variableNames?: readonly string[] }).variableNames ?? model.variables.map((_, i) => `variable_${i}`);

/** The model's current weights (read asynchronously: they may live on a GPU). */
export async function modelWeights(model: FieldModel): Promise<ModelWeights> {
  const names = namesOf(model);
  const { data, specs } = await tf.io.encodeWeights(model.variables.map((tensor, i) => ({ name: names[i]!, tensor })));
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(tf.io.concatenateArrayBuffers(data));
  return { model: { ...model.description }, specs, data: bytes };
}

/** Copies stored weights into a model of the same architecture and sizes; names and shapes must match in order. */
export function restoreWeights(model: FieldModel, weights: Pick<ModelWeights, 'specs' | 'data'>): void {
  const names = namesOf(model);
  if (weights.specs.length !== model.variables.length) throw new ModelError(`the weights hold ${weights.specs.length} tensors, the model ${model.variables.length}: another architecture or size`);
  const copy = weights.data.slice().buffer;
  const tensors = tf.io.decodeWeights(copy, weights.specs);
  try {
    weights.specs.forEach((spec, i) => {
      const variable = model.variables[i]!;
      if (spec.name !== names[i] || spec.shape.join('×') !== variable.shape.join('×')) {
        throw new ModelError(`weight ${i}: ${spec.name} [${spec.shape.join('×')}] does not fit the model's ${names[i]} [${variable.shape.join('×')}]`);
      }
      variable.assign(tensors[spec.name]!);
    });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
