import { Counter, type Registry } from "prom-client";

/** analytics_http_duplicate_events_total: posted events whose id was stored already. */
export function duplicatesPostedCounter(registry: Registry): (count: number) => void {
  const counter = new Counter({
    name: "analytics_http_duplicate_events_total",
    help: "Events posted over HTTP whose event_id was stored already (reported in the answer; not stored again)",
    registers: [registry],
  });
  return (count) => counter.inc(count);
}
