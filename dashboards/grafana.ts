// The part of Grafana's dashboard schema we write, typed, and small builders. Panel ids and grid positions
// are set here (the foundation SDK leaves ids to us too); the lint test checks them.
export interface Target {
  refId: string;
  expr: string;
  legendFormat?: string;
  instant?: boolean;
}

export interface Panel {
  id: number;
  type: 'timeseries' | 'stat' | 'table' | 'bargauge';
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: 'prometheus'; uid: '${datasource}' };
  targets: Target[];
  fieldConfig: { defaults: { unit?: string; min?: number; max?: number; decimals?: number }; overrides: [] };
  options?: Record<string, unknown>;
}

export interface TemplateVariable {
  type: 'datasource' | 'query';
  name: string;
  label: string;
  query: string | { query: string; refId: string };
  definition?: string;
  datasource?: { type: 'prometheus'; uid: '${datasource}' };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
  refresh?: number;
  current: { text: string; value: string | string[] };
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  timezone: 'browser';
  schemaVersion: 39;
  version: 1;
  editable: true;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: TemplateVariable[] };
  annotations: { list: [] };
  panels: Panel[];
}

const datasource = { type: 'prometheus', uid: '${datasource}' } as const;

export const datasourceVariable: TemplateVariable = { type: 'datasource', name: 'datasource', label: 'Data source', query: 'prometheus', current: { text: 'Prometheus', value: 'Prometheus' } };

export function queryVariable(name: string, label: string, query: string): TemplateVariable {
  return {
    type: 'query',
    name,
    label,
    query: { query, refId: `${name}-values` },
    definition: query,
    datasource,
    includeAll: true,
    multi: true,
    allValue: '.*',
    refresh: 2,
    current: { text: 'All', value: ['$__all'] },
  };
}

/** Lays panels out left to right in rows of 24 columns, in the order given. */
export class Layout {
  private x = 0;
  private y = 0;
  private rowHeight = 0;
  private nextId = 1;
  readonly panels: Panel[] = [];

  add(panel: Omit<Panel, 'id' | 'gridPos' | 'datasource' | 'fieldConfig'> & { w: number; h: number; unit?: string; min?: number; max?: number }): this {
    const { w, h, unit, min, max, ...rest } = panel;
    if (this.x + w > 24) (this.x = 0), (this.y += this.rowHeight), (this.rowHeight = 0);
    this.panels.push({
      id: this.nextId++,
      ...rest,
      gridPos: { x: this.x, y: this.y, w, h },
      datasource,
      fieldConfig: { defaults: { ...(unit ? { unit } : {}), ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }, overrides: [] },
    });
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
    return this;
  }
}

export function dashboard(uid: string, title: string, description: string, variables: TemplateVariable[], layout: Layout): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['mollifier'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    editable: true,
    refresh: '10s',
    time: { from: 'now-3h', to: 'now' },
    templating: { list: [datasourceVariable, ...variables] },
    annotations: { list: [] },
    panels: layout.panels,
  };
}
