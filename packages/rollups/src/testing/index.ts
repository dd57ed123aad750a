// Fixtures for tests and benches that fold real events: a test plan and cycle, and generators
// of trading traffic whose figures the audits check.
export * from "./aggregator-fixture";
export * from "./market-data-figures";
export * from "./order-lifecycles";
export * from "./position-lifecycles";
export * from "./trading-events";
