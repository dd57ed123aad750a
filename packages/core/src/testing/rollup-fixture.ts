import { randomUUID } from "node:crypto";
import { AGGREGATION_INTERVALS, bucketStart } from "../models/intervals";
import { rollupKeyString } from "../rollups/rollup-key";
import { emptyValueState, observe } from "../rollups/rollup-state";
import type { StoredRollup } from "../repository/rollups.repository";

export interface FixtureObservation {
  timeMs: number;
  value: number;
  symbol: string;
}

/** Folds the observations into every interval, overall and per symbol, as the aggregator would. */
export function foldEverywhere(metric: string, observations: readonly FixtureObservation[]): StoredRollup[] {
  const states = new Map<string, StoredRollup>();
  for (const { timeMs, value, symbol } of observations) {
    const point = { timeMs, eventId: randomUUID(), value };
    for (const interval of AGGREGATION_INTERVALS) {
      for (const [dimension, dimensionValue] of [["", ""], ["symbol", symbol]] as const) {
        const key = { metric, interval, bucketStartMs: bucketStart(timeMs, interval), dimension, dimensionValue };
        const id = rollupKeyString(key);
        if (!states.has(id)) states.set(id, { key, state: emptyValueState() });
        observe(states.get(id)!.state, point);
      }
    }
  }
  return [...states.values()];
}
