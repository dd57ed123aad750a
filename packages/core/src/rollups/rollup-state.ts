import { copySketch, emptySketch, estimatedSketchBytes, mergeSketchInto, type ValueSketch } from "./value-sketch";

/** One observation that may open or close a bucket (OHLC's open and close). */
export interface RollupPoint {
  timeMs: number;
  eventId: string;
  value: number;
}

/**
 * Everything a rollup bucket keeps, all of it mergeable: two states for disjoint sets of events
 * merge into the state of their union, whatever the order. Count-only metrics carry no values.
 */
export interface RollupState {
  count: number;
  sum: number;
  min: number | null;
  max: number | null;
  sketch: ValueSketch | null;
  first: RollupPoint | null;
  last: RollupPoint | null;
}

export function emptyCountState(): RollupState {
  return { count: 0, sum: 0, min: null, max: null, sketch: null, first: null, last: null };
}

export function emptyValueState(): RollupState {
  return { ...emptyCountState(), sketch: emptySketch() };
}

/** Adds one event to a count-only state. */
export function countOne(state: RollupState): void {
  state.count += 1;
}

/** Adds one observed value to a value state. */
export function observe(state: RollupState, point: RollupPoint): void {
  const { value } = point;
  state.count += 1;
  state.sum += value;
  state.min = state.min === null || value < state.min ? value : state.min;
  state.max = state.max === null || value > state.max ? value : state.max;
  (state.sketch ??= emptySketch()).accept(value);
  if (state.first === null || isBefore(point, state.first)) state.first = point;
  if (state.last === null || isBefore(state.last, point)) state.last = point;
}

/** Merges `source` into `target` (mutating target; source is left as it was). */
export function mergeInto(target: RollupState, source: RollupState): void {
  target.count += source.count;
  target.sum += source.sum;
  if (source.min !== null && (target.min === null || source.min < target.min)) target.min = source.min;
  if (source.max !== null && (target.max === null || source.max > target.max)) target.max = source.max;
  if (source.sketch) {
    if (target.sketch) mergeSketchInto(target.sketch, source.sketch);
    else target.sketch = copySketch(source.sketch);
  }
  if (source.first && (target.first === null || isBefore(source.first, target.first))) target.first = source.first;
  if (source.last && (target.last === null || isBefore(target.last, source.last))) target.last = source.last;
}

/** A fresh state equal to the merge of `states`. */
export function mergeAll(states: Iterable<RollupState>): RollupState {
  const merged = emptyCountState();
  for (const state of states) mergeInto(merged, state);
  return merged;
}

// The state object with its numbers, and each open/close point with its event id string.
const STATE_OBJECT_BYTES = 180;
const POINT_BYTES = 140;

/** Roughly the V8 heap a decoded state holds, its sketch included (see estimatedSketchBytes). */
export function estimatedStateBytes(state: RollupState): number {
  const points = (state.first ? POINT_BYTES : 0) + (state.last ? POINT_BYTES : 0);
  return STATE_OBJECT_BYTES + points + (state.sketch ? estimatedSketchBytes(state.sketch) : 0);
}

/** Event order within a bucket: by time, ties broken by event id, so open/close are deterministic. */
function isBefore(a: RollupPoint, b: RollupPoint): boolean {
  return a.timeMs < b.timeMs || (a.timeMs === b.timeMs && a.eventId < b.eventId);
}
