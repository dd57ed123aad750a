// The rollup domain the aggregator runs and the tooling (CLI, fault suite, benches) reuses:
// the plan, the fold cycle, the tail it reads, rebuilds, and audits against plain SQL.
export * from "./aggregation-cycle";
export * from "./domain/fold-events";
export * from "./domain/isolate-failures";
export * from "./domain/rollup-plan";
export * from "./domain/screen-events";
export * from "./rebuild/rollups-rebuild";
export * from "./storage/event-tail";
export * from "./storage/rollup-merger";
export * from "./verify/execution-audit";
export * from "./verify/market-quotes-audit";
export * from "./verify/order-lifecycle-audit";
export * from "./verify/positions-audit";
export * from "./verify/rollup-audit";
export * from "./verify/user-sessions-audit";
