// Option parsers for commander: each turns a string into a typed value or throws a one-line error
// that names the option and the bad value.
import { existsSync, statSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';

export function parseNumber(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got '${value}'`);
    return n;
  };
}

export function parseInteger(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got '${value}'`);
    return n;
  };
}

/** A number > 0 (seconds, a rate). */
export function parsePositive(name: string): (value: string) => number {
  return (value) => {
    const n = parseNumber(name)(value);
    if (!(n > 0)) throw new InvalidArgumentError(`${name} ${value} must be > 0`);
    return n;
  };
}

/** An integer from 1 to `max` (a documented limit: protocol/limits.ts). */
export function parseCount(name: string, max: number): (value: string) => number {
  return (value) => {
    const n = parseInteger(name)(value);
    if (n < 1) throw new InvalidArgumentError(`${name} ${value} must be ≥ 1`);
    if (n > max) throw new InvalidArgumentError(`${name} ${value}: at most ${max}`);
    return n;
  };
}

export function parseChoice<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`${name} must be one of ${choices.join(', ')}, got '${value}'`);
    }
    return value as T;
  };
}

export function parseIntegerList(name: string): (value: string) => number[] {
  return (value) => value.split(',').map((part) => parseInteger(name)(part.trim()));
}

/** Two positive numbers `min,max` with min ≤ max. */
export function parseBand(name: string): (value: string) => [number, number] {
  return (value) => {
    const parts = value.split(',').map((v) => Number(v.trim()));
    if (parts.length !== 2 || parts.some((v) => !Number.isFinite(v) || !(v > 0)) || parts[0]! > parts[1]!) {
      throw new InvalidArgumentError(`${name} must be two positive numbers min,max with min ≤ max, got '${value}'`);
    }
    return parts as [number, number];
  };
}

/** `--data-root DIR`, repeatable: each an existing folder. The folders a job's file options may point into. */
export function collectDataRoot(value: string, previous: string[]): string[] {
  if (!existsSync(value) || !statSync(value).isDirectory()) throw new InvalidArgumentError(`--data-root ${value}: no such folder`);
  return [...previous, value];
}

/** The data roots given, or the working folder (worker/data-roots.ts). */
export function dataRootsOf(given: readonly string[]): string[] {
  return given.length ? [...given] : [process.cwd()];
}

export const dataRootHelp = 'a folder whose files jobs may read (param-field, data, phi-n, phi-d, truth); repeatable; default: the working folder only';
