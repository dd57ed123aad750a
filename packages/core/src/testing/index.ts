export * from "./app-process";
export * from "./stack-env";
export * from "./test-database";
export * from "./test-topics";
export * from "./tcp-proxy";
export * from "./bench/bench-database";
export * from "./bench/cleanup-stack";
export * from "./java-console-producer";
