// Data I/O of problem instances and external fields (COMSOL, STORM, --param-field).
export { formatNumber, parseNumberCell } from './numbers.js';
export { parseCsvTable, type CsvTable, type CsvTableSpec } from './csv-table.js';
export { gridTolerance, inferGrid1d, inferGrid2d, reorder, type InferredGrid } from './grid-infer.js';
export { edgeTolerance, repeatedEdges, dropRepeatedEdge, type EdgeCheck, type PeriodicEdgeMode, type PeriodicField } from './periodic-edge.js';
export {
  instanceFormatVersion,
  instanceColumns,
  checkGrid,
  checkInstance,
  formatMeta,
  formatFieldsCsv,
  parseMeta,
  parseFieldsCsv,
  type InstanceMeta,
} from './instance-format.js';
export { instanceFiles, createdBy, writeInstance, readInstance } from './instance-dir.js';
export { parseComsolField, readComsolField, type ComsolField, type ComsolOptions } from './comsol.js';
export { parseParamField, readParamField, type ParamField, type ParamFieldSpec } from './param-field.js';
export { parseStormField, readStormField, type StormField } from './storm.js';
export { readText } from './files.js';
