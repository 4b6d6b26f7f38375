// The wire protocol's version. Every message carries it; a reader refuses any other (no silent mixing of
// orchestrators and workers built from different contracts).
// 2: jobs and results name their run and carry the job's ticket; subjects name the run (and the result's host).
// 3: jobs carry the fingerprints of the files they read.
// 4: a job may name a problem from an operator's --problems folder and carry its module's fingerprint.
// 5: a job's artifact (fields and loss history) travels in parts before its result, which names it; a cancel may
//    name one job (early stopping), whose result is then `stopped`.
export const protocolVersion = 5;
