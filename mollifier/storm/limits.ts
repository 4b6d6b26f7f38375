// Every limit of the STORM pipeline, stated once (docs/storm.md lists them).
export const stormLimits = {
  /** Rows of a localisation table: positions are held as float64 (about 40 bytes a row with every column). */
  localisations: 20_000_000,
  /** Nodes per axis of the analysis grid. */
  gridMax: 512,
  /** Nodes per axis below which no interface of a nucleus is resolved. */
  gridMin: 16,
  /** Target nodes whose kernel sums are computed together: bounds the density's working memory. */
  densityBatch: 4096,
  /** Kernel truncation in bandwidths: exp(−4²/2) = 3.4e-4 of the centre weight is dropped. */
  truncation: 4,
} as const;
