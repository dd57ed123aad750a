import { foldSessionEvents, type SessionDelta } from "@trading-analytics/core";
import type { FoldableEvent } from "./fold-events";

/**
 * Folds a page of events into one delta per session (user_sessions), skipping the events stored
 * too late to fold, exactly as the rollups skip them: sessions and rollups count the same events.
 */
export function foldSessions(events: readonly FoldableEvent[], allowedLatenessMs: number): SessionDelta[] {
  return foldSessionEvents(events.filter((event) => event.receivedAtMs - event.timeMs <= allowedLatenessMs));
}
