// The files a model's weights are written as: model.json (tfjs's layout: a `weightsManifest` naming weights.bin
// and each tensor's name, shape and dtype) and weights.bin. `train --weights` and `sweep weights` both write them,
// so tf.io.loadWeights and restoreWeights (mollifier/training/weights.ts) read either.
import { join } from 'node:path';

export interface WeightsToWrite {
  model: Record<string, number | string | boolean>;
  specs: Array<{ name: string; shape: number[]; dtype: string }>;
  data: Uint8Array;
}

export function weightsFiles(dir: string, weights: WeightsToWrite, source: Record<string, string>): Array<{ path: string; text: string | Uint8Array }> {
  const modelJson = {
    format: 'mollifier-layers-weights',
    generatedBy: 'mollifier-layers',
    convertedBy: null,
    // Not a Keras topology: our architectures are built by createModel from the description in the metadata.
    modelTopology: null,
    userDefinedMetadata: { model: weights.model, ...source },
    weightsManifest: [{ paths: ['weights.bin'], weights: weights.specs }],
  };
  return [
    { path: join(dir, 'model.json'), text: `${JSON.stringify(modelJson, null, 2)}\n` },
    { path: join(dir, 'weights.bin'), text: weights.data },
  ];
}
