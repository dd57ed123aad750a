import type { KnownEventProperties, KnownEventType } from "./event-types";

/** Where an event came from when it arrived through Kafka. */
export interface EventSource {
  topic: string;
  partition: number;
  offset: string;
}

/** An accepted event, as stored and served. */
export interface AnalyticsEvent<P = Record<string, unknown>> {
  eventId: string;
  eventType: string;
  userId: string | null;
  sessionId: string | null;
  /** The service that emitted it (NexusCore's `service`); absent when the producer named none. */
  service?: string;
  properties: P;
  /** When the event happened (producer's clock). Partition key of the events table. */
  timestamp: Date;
  /** When the platform accepted it. */
  receivedAt: Date;
  /** Null for events posted over HTTP. */
  source: EventSource | null;
}

/** A known event type with its typed properties. */
export type TypedEvent<T extends KnownEventType> = AnalyticsEvent<KnownEventProperties[T]> & { eventType: T };

/** The JSON producers send, on Kafka or to POST /api/v1/events. */
export interface WireEvent {
  /** UUID; when absent the ingester derives one from topic/partition/offset. */
  event_id?: string;
  event_type: string;
  user_id?: string | null;
  session_id?: string | null;
  /** The emitting service, as NexusCore producers send it. */
  service?: string | null;
  properties?: Record<string, unknown>;
  /** NexusCore's name for properties: stored as properties; giving both is refused. */
  data?: Record<string, unknown>;
  /** RFC 3339; when absent, the Kafka message timestamp (or receipt time over HTTP). */
  timestamp?: string;
}

/** A WireEvent once checked: NexusCore's `data` moved to `properties`. */
export type CheckedWireEvent = Omit<WireEvent, "data">;

/**
 * The JSON the API returns for one event: the reference's fields (id, timestamp, created_at, the
 * names of the events columns) and ours (event_id and received_at carry the same values).
 */
export interface EventView {
  id: string;
  event_id: string;
  event_type: string;
  user_id: string | null;
  session_id: string | null;
  service: string | null;
  properties: Record<string, unknown>;
  timestamp: string;
  created_at: string;
  received_at: string;
  source: EventSource | null;
}

export function toEventView(event: AnalyticsEvent): EventView {
  const receivedAt = event.receivedAt.toISOString();
  return {
    id: event.eventId,
    event_id: event.eventId,
    event_type: event.eventType,
    user_id: event.userId,
    session_id: event.sessionId,
    service: event.service ?? null,
    properties: event.properties,
    timestamp: event.timestamp.toISOString(),
    created_at: receivedAt,
    received_at: receivedAt,
    source: event.source,
  };
}
