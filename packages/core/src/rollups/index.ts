export * from "./measure-range";
export * from "./metric-names";
export * from "./rollup-key";
export * from "./rollup-state";
export * from "./value-sketch";
export * from "./trading-analytics";
export * from "./order-lifecycle";
export * from "./merged-buckets";
