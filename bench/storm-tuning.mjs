// Chooses `mollifier storm`'s defaults on the tuning nuclei only (docs/storm.md "Protocol"): the density map's
// anchor level (the 99th percentile of φ_h on the tuning steady states), then the bandwidth's localisation count
// and the kernel radius by the no-network separable estimate on the mapped fields (the network reads the same
// kernel's derivatives; its cost rules out a grid search with it). Tuning nuclei: results/table2/tuning/rd-seed-{0..4}
// (examples/table2/rd-instances.sh). Run: node bench/storm-tuning.mjs
import { readInstance, builtinProblem, separableEstimate, initBackend } from '../dist/mollifier/index.js';
import { syntheticLocalisations, syntheticStormDefaults, nadarayaWatsonDensity, defaultBandwidth, phiHFromDensity, phiHFromCalibration, fieldsFromPhiH, quantileOf } from '../dist/mollifier/storm/index.js';

await initBackend();
const rd = builtinProblem('rd');
const seeds = (process.argv[2] ?? '0,1,2,3,4').split(',').map(Number);
const set = process.argv[3] ?? 'tuning';
const counts = [100, 200, 400, 800];
const radii = [4, 6, 8, 10];
const nuclei = seeds.map((seed) => {
  const instance = readInstance(`results/table2/${set}/rd-seed-${seed}`);
  const phi_h = instance.fields.phi_n.map((n, i) => (1 - n + instance.fields.phi_d[i]) / 2);
  const locs = syntheticLocalisations(phi_h, instance.grid, { ...syntheticStormDefaults, seed });
  return { seed, instance, phi_h, locs };
});
const levels = nuclei.map((n) => quantileOf(n.phi_h, 0.99));
console.log(`φ_h 99th percentile per nucleus: ${levels.map((v) => v.toFixed(3)).join(', ')}; mean ${(levels.reduce((a, v) => a + v, 0) / levels.length).toFixed(3)}`);
const level = Number(process.argv[4] ?? (levels.reduce((a, v) => a + v, 0) / levels.length).toFixed(2));
console.log(`anchor 0.99:${level}\n\n| count | radius | corr smoothed (mean, min) | mean k rel. err (mean, max) |\n|---|---|---|---|`);
for (const count of counts) {
  const mapped = nuclei.map(({ instance, locs }) => {
    const domain = { n: instance.grid.nx, length: instance.grid.nx * instance.grid.hx, periodic: true };
    const density = nadarayaWatsonDensity(locs.x, locs.y, domain, { bandwidth: defaultBandwidth(locs.x.length, domain, count), pixel: 0.02, values: 'counts' });
    const fields = fieldsFromPhiH(phiHFromDensity(density, [{ quantile: 0.99, level }]).phi_h);
    return { ...instance, fields: { phi_n: fields.phi_n, phi_d: fields.phi_d, k: instance.fields.k } };
  });
  for (const radius of radii) {
    const scores = [];
    for (const instance of mapped) scores.push((await separableEstimate(instance, rd, { radius, constants: rd.constantsOf(undefined, instance) })).summary);
    const corr = scores.map((s) => s.corr_smoothed);
    const err = scores.map((s) => s.mean_rel_err);
    console.log(`| ${count} | ${radius} | ${(corr.reduce((a, v) => a + v, 0) / corr.length).toFixed(3)}, ${Math.min(...corr).toFixed(3)} | ${(err.reduce((a, v) => a + v, 0) / err.length).toFixed(4)}, ${Math.max(...err).toFixed(4)} |`);
  }
}

// With the labelling calibrated (the synthetic nuclei's 4000 localisations per µm² at φ_h = 1): φ_h = density / 4000.
console.log('\ncalibrated (4000 per µm² at φ_h = 1), radius 8:\n\n| count | corr smoothed (mean, min) | mean k signed rel. err per nucleus |\n|---|---|---|');
for (const count of counts) {
  const rows = [];
  for (const { instance, locs } of nuclei) {
    const domain = { n: instance.grid.nx, length: instance.grid.nx * instance.grid.hx, periodic: true };
    const density = nadarayaWatsonDensity(locs.x, locs.y, domain, { bandwidth: defaultBandwidth(locs.x.length, domain, count), pixel: 0.02, values: 'counts' });
    const fields = fieldsFromPhiH(phiHFromCalibration(density, syntheticStormDefaults.perArea).phi_h);
    rows.push((await separableEstimate({ ...instance, fields: { phi_n: fields.phi_n, phi_d: fields.phi_d, k: instance.fields.k } }, rd, { radius: 8, constants: rd.constantsOf(undefined, instance) })).summary);
  }
  const corr = rows.map((s) => s.corr_smoothed);
  console.log(`| ${count} | ${(corr.reduce((a, v) => a + v, 0) / corr.length).toFixed(3)}, ${Math.min(...corr).toFixed(3)} | ${rows.map((s) => ((s.mean - s.truth_mean) / s.truth_mean).toFixed(3)).join(', ')} |`);
}
