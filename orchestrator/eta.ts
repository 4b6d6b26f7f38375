// A sweep's time left, per configuration group: jobs of one sweep can differ in duration by 25× (nested autodiff
// against the mollifier layer, examples/quick.yaml), so a rate of "jobs ended per second" over the whole sweep
// says 40 s while two slow jobs are still queued. Each group's remaining jobs are priced at that group's own
// duration instead. Pure: the console (bin/sweep-console.ts) gathers the inputs.

/** What is known about one configuration group (the jobs that differ only by seed). */
export interface GroupWork {
  /** Seconds each of its ended jobs took, in this run or an earlier one (the store's `duration_s`). */
  finished: readonly number[];
  /** Its jobs not started yet. */
  queued: number;
  /** Its running jobs: seconds since they started, and seconds left at their own rate (null: no rate yet). */
  running: ReadonlyArray<{ elapsed: number; left: number | null }>;
}

export interface SweepEta {
  /** Seconds until the last job ends; null while no job's duration can be guessed at all. */
  seconds: number | null;
  /** Per group, in the order given: the duration one of its jobs is taken to have (null: unknown). */
  jobSeconds: Array<number | null>;
}

const mean = (values: readonly number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const usable = (s: number) => Number.isFinite(s) && s >= 0;

/** A running job's whole duration at its own rate: the time it has had plus the time its rate says is left. */
const wholeRun = (groups: readonly GroupWork[]) => groups.flatMap((g) => g.running.filter((r) => r.left !== null && usable(r.left) && usable(r.elapsed)).map((r) => r.elapsed + r.left!));

/**
 * The estimate. A group's job is taken to last the mean of its finished jobs; a group none of whose jobs has
 * finished, the mean whole duration of its running jobs (elapsed + left at their rate); failing both, the mean of
 * every finished job of the sweep, else of every running one. A group's work left is its queued jobs times that,
 * plus what its running jobs have left (their rate's estimate, else the group's duration less their elapsed time).
 * The sweep's time left is the sum of the groups' work over the lanes, but never less than the longest running
 * job's time left nor than one whole job of a group that still has queued jobs (neither can be shared out).
 */
export function sweepEta(groups: readonly GroupWork[], lanes: number): SweepEta {
  const ended = groups.flatMap((g) => g.finished.filter(usable));
  const overall = mean(ended) ?? mean(wholeRun(groups));
  const jobSeconds = groups.map((g) => mean(g.finished.filter(usable)) ?? mean(wholeRun([g])) ?? overall);
  let work = 0;
  let floor = 0;
  for (const [i, g] of groups.entries()) {
    const each = jobSeconds[i]!;
    if (g.queued > 0) {
      if (each === null) return { seconds: null, jobSeconds };
      work += g.queued * each;
      floor = Math.max(floor, each);
    }
    for (const r of g.running) {
      const left = r.left !== null && usable(r.left) ? r.left : each === null ? null : Math.max(0, each - r.elapsed);
      if (left === null) return { seconds: null, jobSeconds };
      work += left;
      floor = Math.max(floor, left);
    }
  }
  return { seconds: Math.max(work / Math.max(1, lanes), floor), jobSeconds };
}
