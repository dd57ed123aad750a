export * from "./app-process";
export * from "./stack-env";
export * from "./test-database";
export * from "./test-topics";
export * from "./tcp-proxy";
