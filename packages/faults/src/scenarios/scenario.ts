import type { AppFleet } from "../app-fleet";
import type { PrivateStack } from "../private-stack";

export type Profile = "short" | "long";

export interface FaultContext {
  stack: PrivateStack;
  fleet: AppFleet;
  profile: Profile;
  log(message: string): void;
}

/** Counts a scenario reports about itself (e.g. how many kills hit a given instant). */
export type ScenarioFigures = Record<string, number>;

/** One fault: `inject` injects it and lifts it again; the runner measures the window and the recovery after it. */
export interface Scenario {
  name: string;
  inject(context: FaultContext): Promise<ScenarioFigures | void>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random instant between `min` and `max` milliseconds from now. */
export const randomDelay = (min: number, max: number) => sleep(min + Math.random() * (max - min));
