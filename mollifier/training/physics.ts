// The PDE side of training, shared by both derivative paths: which derivatives each problem needs, how the
// parameter head becomes the parameter, and the residual and separable estimate built from the terms.
import { tf, type Tensor } from '../backend/tf.js';
import {
  chromatinResidual,
  chromatinSeparable,
  heatResidual,
  heatSeparable,
  langevinResidual,
  langevinSeparable,
  type ChromatinConstants,
  type ChromatinTerms,
} from '../pdes/residuals.js';
import type { ProblemName } from '../pdes/types.js';

/** Terms at a set of nodes, each a 1D tensor over those nodes. */
export type Terms =
  | { problem: 'langevin'; v: Tensor; dv: Tensor }
  | { problem: 'heat'; u: Tensor; laplacian: Tensor }
  | { problem: 'rd'; chromatin: ChromatinTerms };

/**
 * The raw parameter head → the parameter. D and k are positive: exp keeps them so and makes the head's
 * output a log-scale, which is what lets a PDE loss move D by factors without sending it through zero.
 */
export function parameterFromHead(problem: ProblemName, raw: Tensor): Tensor {
  return problem === 'langevin' ? raw : tf.exp(raw);
}

export function residual(terms: Terms, parameter: Tensor, source: Tensor | undefined, constants: ChromatinConstants): Tensor {
  switch (terms.problem) {
    case 'langevin':
      return langevinResidual(terms, parameter);
    case 'heat':
      return heatResidual({ laplacian: terms.laplacian }, parameter, source!);
    case 'rd':
      return chromatinResidual(terms.chromatin, parameter, constants);
  }
}

export function separable(terms: Terms, source: Tensor | undefined, constants: ChromatinConstants): Tensor {
  switch (terms.problem) {
    case 'langevin':
      return langevinSeparable(terms);
    case 'heat':
      return heatSeparable({ laplacian: terms.laplacian }, source!);
    case 'rd':
      return chromatinSeparable(terms.chromatin, constants);
  }
}

/** The field Laplacian reported for metrics (heat: Δu; rd: Δφ_d; Langevin: none). */
export function reportedLaplacian(terms: Terms): Tensor | undefined {
  if (terms.problem === 'heat') return terms.laplacian;
  if (terms.problem === 'rd') return terms.chromatin.laplacianD;
  return undefined;
}

export function disposeTerms(terms: Terms): void {
  if (terms.problem === 'rd') tf.dispose(Object.values(terms.chromatin));
  else tf.dispose(Object.values(terms).filter((v): v is Tensor => typeof v !== 'string'));
}
