// The parameter levels of Table 2's runs as --param-field files: run i of a column takes level i mod 3, so a
// column's five runs span three true parameter means ("mean corr", docs/metrics.md). Level 1 is the paper's case
// itself (given by its case in the specs); these files scale it. Regenerate: node examples/table2/levels.mjs
//   langevin: F(t) = μ0 + 0.5 sin(2πt/2.5), μ0 ∈ {0.5, 1.5} (case `varying` has μ0 = 1), 501 nodes
//   heat:     D = s·(1 + 0.5 sin 2πx sin 2πy), s ∈ {0.5, 1.5} (case `smooth` has s = 1), 32×32
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatNumber, gridCoordinates, simulateProblem } from 'mollifier-layers';

const levels = [
  { problem: 'langevin', case: 'varying', grid: 501, parameter: 'F', name: 'mu0', scale: (f, v) => f - 1 + v },
  { problem: 'heat', case: 'smooth', grid: 32, parameter: 'D', name: 's', scale: (d, v) => d * v },
];

for (const level of levels) {
  const instance = simulateProblem(level.problem, { case: level.case, grid: level.grid, seed: 0 });
  const coordinates = gridCoordinates(instance.grid);
  for (const value of [0.5, 1.5]) {
    const values = instance.fields[level.parameter].map((p) => level.scale(p, value));
    const header = [...(coordinates.length === 1 ? ['t'] : ['x', 'y']), level.parameter];
    const lines = [header.join(',')];
    for (let i = 0; i < values.length; i++) lines.push([...coordinates.map((c) => formatNumber(c[i])), formatNumber(values[i])].join(','));
    const file = new URL(`./${level.problem}-${level.name}-${value}.csv`, import.meta.url);
    writeFileSync(file, `${lines.join('\n')}\n`);
    process.stdout.write(`wrote ${fileURLToPath(file)}\n`);
  }
}
