import { InputError } from '../errors.js';
/** A layer used in a way it cannot work (grid smaller than the kernel, wrong tensor rank, ...). */
export class LayerError extends InputError {
  override name = 'LayerError';
}
