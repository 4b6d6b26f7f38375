// `mollifier kernel`: print the weights the layer would use, as JSON or a readable table.
import type { Command } from 'commander';
import {
  familyDescription,
  kernelMoment1d,
  kernelWeights1d,
  kernelWeights2d,
  assertKernelFamily,
  assertOperator2d,
  type KernelFamily,
} from '../../mollifier/index.js';
import { parseInteger, parseNumber } from '../parse.js';
import { UsageError } from '../usage-error.js';

interface KernelOptions {
  family: string;
  radius: number;
  spacing: number;
  derivative?: number;
  dims: number;
  operator?: string;
  json?: boolean;
  momentCorrection: boolean;
}

function formatNumber(v: number): string {
  return (v >= 0 ? ' ' : '') + v.toExponential(6);
}

export function kernelReport(options: KernelOptions): Record<string, unknown> {
  if (options.dims !== 1 && options.dims !== 2) throw new UsageError(`--dims must be 1 or 2, got '${options.dims}'`);
  const family: KernelFamily = assertKernelFamily(options.family);
  const base = {
    family,
    description: familyDescription(family),
    radius: options.radius,
    spacing: options.spacing,
    epsilon: options.radius * options.spacing,
    momentCorrection: options.momentCorrection,
    orientation: 'cross-correlation',
  };
  if (options.dims === 1) {
    if (options.operator !== undefined) throw new UsageError(`--operator needs --dims 2 (got --operator ${options.operator} in 1D)`);
    const order = options.derivative ?? 0;
    const weights = kernelWeights1d({ family, radius: options.radius, spacing: options.spacing, order, momentCorrection: options.momentCorrection });
    const moments = Array.from({ length: order + 1 }, (_, j) => kernelMoment1d(weights, options.spacing, j));
    return { ...base, dims: 1, derivative: order, shape: [weights.length], weights: [...weights], moments };
  }
  if (options.derivative !== undefined) throw new UsageError(`--derivative is for 1D kernels; in 2D use --operator (got --derivative ${options.derivative})`);
  const operator = assertOperator2d(options.operator ?? 'value');
  const { weights, shape } = kernelWeights2d({ family, radius: options.radius, spacing: options.spacing, operator, momentCorrection: options.momentCorrection });
  return { ...base, dims: 2, operator, shape, weights: [...weights] };
}

function kernelTable(report: Record<string, unknown>): string {
  const weights = report.weights as number[];
  const radius = report.radius as number;
  const spacing = report.spacing as number;
  const what = report.dims === 1 ? `derivative order ${report.derivative}` : `operator ${report.operator}`;
  const lines = [
    `${report.family} kernel (${report.description}), ${what}`,
    `radius ${radius} cells, spacing ${spacing}, ε = ${report.epsilon}, ${report.shape as number[]} taps, cross-correlation orientation`,
  ];
  if (report.dims === 1) {
    lines.push('     m         x = m·h        weight');
    weights.forEach((w, i) => lines.push(`${String(i - radius).padStart(6)}  ${formatNumber((i - radius) * spacing)}  ${formatNumber(w)}`));
    lines.push(`moments Σ w·(m h)^j, j = 0..${report.derivative}: ${(report.moments as number[]).map((v) => v.toPrecision(6)).join(', ')}`);
  } else {
    const size = 2 * radius + 1;
    lines.push('rows along y (first index), columns along x');
    for (let a = 0; a < size; a++) lines.push(weights.slice(a * size, (a + 1) * size).map(formatNumber).join(' '));
  }
  return lines.join('\n');
}

export function registerKernelCommand(program: Command): void {
  program
    .command('kernel')
    .description('print the weights of a mollifier kernel (cross-correlation orientation)')
    .option('--family <name>', 'kernel family: bump, poly2, poly4, sine', 'bump')
    .option('--radius <cells>', 'half-width in grid cells (integer ≥ 1)', parseNumber('--radius'), 4)
    .option('--spacing <h>', 'grid spacing (> 0)', parseNumber('--spacing'), 1)
    .option('--derivative <k>', '1D derivative order 0-4', parseInteger('--derivative'))
    .option('--dims <d>', '1 or 2', parseInteger('--dims'), 1)
    .option('--operator <op>', '2D operator: value, dx, dy, dxx, dyy, dxy, laplacian, biharmonic')
    .option('--no-moment-correction', 'skip the moment correction (raw sampled kernel, for comparison)')
    .option('--json', 'print JSON {"weights": [...], "shape": [...], ...}')
    .action((options: KernelOptions) => {
      const report = kernelReport(options);
      process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : `${kernelTable(report)}\n`);
    });
}
