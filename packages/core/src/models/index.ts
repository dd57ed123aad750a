export * from "./custom-event-definition";
export * from "./event";
export * from "./event-id";
export * from "./event-types";
export * from "./intervals";
export * from "./range-cover";
