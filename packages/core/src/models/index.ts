export * from "./custom-event-definition";
export * from "./custom-event-view";
export * from "./event";
export * from "./event-id";
export * from "./event-types";
export * from "./intervals";
export * from "./range-cover";
