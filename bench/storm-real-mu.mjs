// What φ_n alone says about k (docs/storm.md "The real field"): the processed STORM field, resampled as `mollifier
// storm --phi-n` does (64², cell means), mapped to the fields for μ_n across its admissible interval, and k by the
// separable estimate with the same kernel (radius 8, reflect, l 0.03) but no network: the level of k moves with μ_n,
// the pattern does not. Run: node bench/storm-real-mu.mjs [../shared/data/storm/storm_phi_n_300.csv]
import { readStormField, builtinProblem, separableEstimate, initBackend, pearson } from '../dist/mollifier/index.js';
import { fieldDomain, resampleField, admissibleMuN, fieldsFromPhiN, nodeCoordinate, nodeSpacing } from '../dist/mollifier/storm/index.js';

await initBackend();
const rd = builtinProblem('rd');
const field = readStormField(process.argv[2] ?? '../shared/data/storm/storm_phi_n_300.csv');
const domain = fieldDomain(field.grid, 64);
const phi_n = resampleField(field.phi_n, field.grid, domain);
const [lo, hi] = admissibleMuN(phi_n);
const h = nodeSpacing(domain);
const grid = { dims: 2, nx: 64, ny: 64, x0: nodeCoordinate(domain, 0), y0: nodeCoordinate(domain, 0), hx: h, hy: h, periodic: false };
const levels = [0.1, 0.3, 0.5, 0.7, 0.9];
const maps = [];
for (const t of levels) {
  const fields = fieldsFromPhiN(phi_n, lo + t * (hi - lo));
  const estimate = await separableEstimate({ problem: 'rd', case: 'storm', grid, fields: { phi_n: fields.phi_n, phi_d: fields.phi_d }, parameters: {}, seed: 0 }, rd, { radius: 8, boundary: 'reflect', constants: { phiMax: 0.7, l: 0.03 } });
  maps.push({ t, muN: lo + t * (hi - lo), values: estimate.values, phi_h: fields.phi_h });
}
const middle = maps.find((m) => m.t === 0.5).values;
console.log(`μ_n admissible: [${lo.toFixed(4)}, ${hi.toFixed(4)}); φ_n on the 64² grid ${Math.min(...phi_n).toFixed(3)}-${Math.max(...phi_n).toFixed(3)}\n`);
console.log('| μ_n (fraction of the interval) | φ_h range | mean k | k 2-98 % | nodes with k < 0 | corr with the midpoint map |\n|---|---|---|---|---|---|');
for (const m of maps) {
  const sorted = Float64Array.from(m.values).sort();
  const q = (p) => sorted[Math.round(p * (sorted.length - 1))];
  const mean = m.values.reduce((a, v) => a + v, 0) / m.values.length;
  console.log(`| ${m.muN.toFixed(4)} (${m.t}) | ${Math.min(...m.phi_h).toFixed(3)}-${Math.max(...m.phi_h).toFixed(3)} | ${mean.toFixed(3)} | ${q(0.02).toFixed(3)} to ${q(0.98).toFixed(3)} | ${(100 * m.values.filter((v) => v < 0).length / m.values.length).toFixed(1)} % | ${pearson(m.values, middle).toFixed(3)} |`);
}
