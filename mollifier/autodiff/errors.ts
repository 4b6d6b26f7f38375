/** A bad request to the autodiff baseline: unknown operator or order, or points of the wrong shape. */
export class AutodiffError extends Error {
  override name = 'AutodiffError';
}
