export * from "./client-services";
export * from "./service";
