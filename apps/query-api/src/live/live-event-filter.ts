import type { AnalyticsEvent } from "@trading-analytics/core";

/** What one live client wants; an absent field matches everything. */
export interface LiveEventFilter {
  eventTypes?: ReadonlySet<string>;
  userId?: string;
  service?: string;
}

export function matchesLiveFilter(filter: LiveEventFilter, event: AnalyticsEvent): boolean {
  if (filter.eventTypes && !filter.eventTypes.has(event.eventType)) return false;
  if (filter.userId !== undefined && event.userId !== filter.userId) return false;
  if (filter.service !== undefined && event.service !== filter.service) return false;
  return true;
}

/**
 * The event types the poller must read for these clients: the union of their types, or
 * undefined (every type) as soon as one client takes all of them.
 */
export function wantedEventTypes(filters: Iterable<LiveEventFilter>): string[] | undefined {
  const wanted = new Set<string>();
  for (const filter of filters) {
    if (!filter.eventTypes) return undefined;
    for (const type of filter.eventTypes) wanted.add(type);
  }
  return [...wanted].sort();
}
