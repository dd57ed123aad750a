import { mergePositionDelta, type PositionDelta, positionDeltaOf } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";

/**
 * Folds a page of events into one delta per position (the positions table), skipping the events
 * stored too late to fold, exactly as the rollups skip them: positions and rollups count the same events.
 */
export function foldPositions(events: readonly FoldableEvent[], allowedLatenessMs: number): PositionDelta[] {
  const byPosition = new Map<string, PositionDelta>();
  for (const event of events) {
    if (event.receivedAtMs - event.timeMs > allowedLatenessMs) continue;
    const delta = positionDeltaOf(event);
    if (!delta) continue;
    const current = byPosition.get(delta.positionId);
    if (current) mergePositionDelta(current, delta);
    else byPosition.set(delta.positionId, delta);
  }
  return [...byPosition.values()];
}
