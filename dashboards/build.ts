// Writes dashboards/*.json from definitions.ts (run by `mollifier dashboards`; the test checks they match).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboards } from './definitions.js';

export function dashboardFiles(): Array<{ name: string; text: string }> {
  return Object.entries(dashboards).map(([name, dashboard]) => ({ name, text: `${JSON.stringify(dashboard, null, 2)}\n` }));
}

export function writeDashboards(folder: string): string[] {
  return dashboardFiles().map(({ name, text }) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  });
}
