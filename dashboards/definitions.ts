// The three dashboards: sweep overview; accuracy by noise level and model; time and memory per lane and GPU.
// Every query is PromQL over the metrics of orchestrator/metrics.ts, filtered by the $sweep / $host variables.
import { dashboard, Layout, queryVariable, type Dashboard } from './grafana.js';

const sweep = queryVariable('sweep', 'Sweep', 'label_values(mollifier_sweep_jobs, sweep)');
const host = queryVariable('host', 'Host', 'label_values(mollifier_lane_slots, host)');
const S = 'sweep=~"$sweep"';
const H = 'host=~"$host"';

function overview(): Dashboard {
  const layout = new Layout()
    .add({ type: 'stat', title: 'Jobs done', w: 4, h: 4, targets: [{ refId: 'A', expr: `sum(mollifier_sweep_jobs{${S}, status="done"})` }] })
    .add({ type: 'stat', title: 'Jobs failed or diverged', w: 4, h: 4, targets: [{ refId: 'A', expr: `sum(mollifier_sweep_jobs{${S}, status=~"failed|diverged"})` }] })
    .add({ type: 'stat', title: 'Running', w: 4, h: 4, targets: [{ refId: 'A', expr: `sum(mollifier_sweep_jobs{${S}, status="running"})` }] })
    .add({ type: 'stat', title: 'Queue depth', w: 4, h: 4, targets: [{ refId: 'A', expr: `sum(mollifier_sweep_queue_depth{${S}})` }] })
    .add({
      type: 'stat',
      title: 'ETA (at the last 5 min rate)',
      w: 8,
      h: 4,
      unit: 's',
      targets: [{ refId: 'A', expr: `(sum(mollifier_sweep_queue_depth{${S}}) + sum(mollifier_sweep_jobs{${S}, status="running"})) / clamp_min(sum(rate(mollifier_sweep_jobs_ended_total{${S}}[5m])), 1e-6)` }],
    })
    .add({ type: 'timeseries', title: 'Jobs by status', w: 12, h: 8, targets: [{ refId: 'A', expr: `sum by (sweep, status) (mollifier_sweep_jobs{${S}})`, legendFormat: '{{sweep}} {{status}}' }] })
    .add({
      type: 'timeseries',
      title: 'Jobs ended per minute',
      w: 12,
      h: 8,
      targets: [{ refId: 'A', expr: `sum by (sweep, status) (rate(mollifier_sweep_jobs_ended_total{${S}}[$__rate_interval])) * 60`, legendFormat: '{{sweep}} {{status}}' }],
    })
    .add({
      type: 'timeseries',
      title: 'Job duration, median and 90th percentile',
      w: 24,
      h: 8,
      unit: 's',
      targets: [
        { refId: 'A', expr: `histogram_quantile(0.5, sum by (le, model, derivatives) (rate(mollifier_job_duration_seconds_bucket{${S}}[$__rate_interval])))`, legendFormat: 'p50 {{model}} {{derivatives}}' },
        { refId: 'B', expr: `histogram_quantile(0.9, sum by (le, model, derivatives) (rate(mollifier_job_duration_seconds_bucket{${S}}[$__rate_interval])))`, legendFormat: 'p90 {{model}} {{derivatives}}' },
      ],
    });
  return dashboard('mollifier-sweep-overview', 'Mollifier: sweep overview', 'Progress of sweeps: jobs by status, queue, rate, ETA and job durations.', [sweep], layout);
}

function accuracy(): Dashboard {
  const series = (metric: string, stat: string) => `avg by (pde, model, derivatives, noise) (${metric}{${S}, stat="${stat}"})`;
  const legend = '{{pde}} {{model}}/{{derivatives}} σ={{noise}}';
  const layout = new Layout()
    .add({ type: 'bargauge', title: 'Parameter corr, mean per configuration', w: 12, h: 9, min: -1, max: 1, targets: [{ refId: 'A', expr: series('mollifier_job_param_corr', 'mean'), legendFormat: legend, instant: true }] })
    .add({ type: 'bargauge', title: 'Corr vs the truth smoothed at the kernel scale, mean', w: 12, h: 9, min: -1, max: 1, targets: [{ refId: 'A', expr: series('mollifier_job_param_corr_smoothed', 'mean'), legendFormat: legend, instant: true }] })
    .add({ type: 'timeseries', title: 'Parameter corr by noise level and model (mean)', w: 12, h: 8, min: -1, max: 1, targets: [{ refId: 'A', expr: series('mollifier_job_param_corr', 'mean'), legendFormat: legend }] })
    .add({ type: 'timeseries', title: 'Laplacian corr by noise level and model (mean)', w: 12, h: 8, min: -1, max: 1, targets: [{ refId: 'A', expr: series('mollifier_job_laplacian_corr', 'mean'), legendFormat: legend }] })
    .add({ type: 'timeseries', title: 'Parameter corr of the latest job', w: 12, h: 8, min: -1, max: 1, targets: [{ refId: 'A', expr: series('mollifier_job_param_corr', 'last'), legendFormat: legend }] })
    .add({ type: 'timeseries', title: 'Relative error of the parameter mean (mean)', w: 12, h: 8, unit: 'percentunit', targets: [{ refId: 'A', expr: series('mollifier_job_param_mean_relative_error', 'mean'), legendFormat: legend }] });
  return dashboard('mollifier-accuracy', 'Mollifier: accuracy by noise level and model', 'Parameter recovery per configuration (problem, model, derivative method, noise level): correlations and the error of the mean.', [sweep], layout);
}

function resources(): Dashboard {
  const lane = '{{host}} {{lane}} ({{device}})';
  const layout = new Layout()
    .add({ type: 'timeseries', title: 'Training time per job (mean)', w: 12, h: 8, unit: 's', targets: [{ refId: 'A', expr: `avg by (pde, model, derivatives) (mollifier_job_train_seconds{${S}, stat="mean"})`, legendFormat: '{{pde}} {{model}}/{{derivatives}}' }] })
    .add({ type: 'timeseries', title: 'Peak tensor memory per training step (mean)', w: 12, h: 8, unit: 'bytes', targets: [{ refId: 'A', expr: `avg by (pde, model, derivatives) (mollifier_job_peak_tensor_bytes{${S}, stat="mean"})`, legendFormat: '{{pde}} {{model}}/{{derivatives}}' }] })
    .add({ type: 'timeseries', title: 'Running jobs per lane', w: 12, h: 8, targets: [{ refId: 'A', expr: `sum by (host, lane, device) (mollifier_lane_running_jobs{${H}})`, legendFormat: lane }] })
    .add({ type: 'timeseries', title: 'Lane utilisation (running / slots)', w: 12, h: 8, unit: 'percentunit', min: 0, max: 1, targets: [{ refId: 'A', expr: `sum by (host, lane, device) (mollifier_lane_running_jobs{${H}}) / sum by (host, lane, device) (mollifier_lane_slots{${H}})`, legendFormat: lane }] })
    .add({ type: 'table', title: 'Seconds since each lane\'s last heartbeat', w: 12, h: 8, unit: 's', targets: [{ refId: 'A', expr: `time() - max by (host, lane, device) (mollifier_lane_last_seen_timestamp_seconds{${H}})`, legendFormat: lane, instant: true }] })
    .add({ type: 'timeseries', title: 'Heartbeats per minute', w: 12, h: 8, targets: [{ refId: 'A', expr: `sum by (host, lane) (rate(mollifier_lane_heartbeats_total{${H}}[$__rate_interval])) * 60`, legendFormat: '{{host}} {{lane}}' }] })
    .add({ type: 'timeseries', title: 'Worker process resident memory', w: 12, h: 8, unit: 'bytes', targets: [{ refId: 'A', expr: `max by (host, lane) (mollifier_worker_resident_memory_bytes{${H}})`, legendFormat: '{{host}} {{lane}}' }] })
    .add({ type: 'timeseries', title: 'Worker JavaScript heap used', w: 12, h: 8, unit: 'bytes', targets: [{ refId: 'A', expr: `max by (host, lane) (mollifier_worker_heap_used_bytes{${H}})`, legendFormat: '{{host}} {{lane}}' }] })
    .add({ type: 'timeseries', title: 'Orchestrator resident memory', w: 24, h: 6, unit: 'bytes', targets: [{ refId: 'A', expr: 'mollifier_orchestrator_process_resident_memory_bytes', legendFormat: '{{instance}}' }] });
  return dashboard('mollifier-resources', 'Mollifier: time and memory per lane and GPU', 'Training time and peak memory per configuration; jobs, heartbeats and memory per lane (one lane per GPU).', [sweep, host], layout);
}

/** File name → dashboard. */
export const dashboards: Record<string, Dashboard> = {
  'sweep-overview.json': overview(),
  'accuracy.json': accuracy(),
  'resources.json': resources(),
};

/** A query with Grafana's variables replaced, as Prometheus runs it ("All" selected). */
export function concreteQuery(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '1m').replace(/\$__interval/g, '15s').replace(/=~"\$[a-z]+"/g, '=~".*"');
}
