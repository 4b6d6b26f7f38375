export { learningRate, scheduleDefaults, type ScheduleOptions } from './schedule.js';
export { trainingData, fieldChannels, type TrainingData, type DataOptions } from './data.js';
export { train, derivativeMethods, defaultHistoryEvery, type DerivativeMethod, type LossHistory, type TrainOptions, type TrainOutcome, type TrainProgress } from './train.js';
export type { Estimates } from './strategies.js';
