// What every leg gets and gives back.
import type { Kafka } from "kafkajs";
import type { BenchDataset } from "./bench-dataset";
import type { StoredCheck } from "./bench-database";
import type { CleanupStack } from "@trading-analytics/core/testing";

export interface LegContext {
  dataset: BenchDataset;
  kafka: Kafka;
  cleanup: CleanupStack;
  log: (line: string) => void;
  /** A leg whose stored count does not move for this long has failed. */
  stallMs: number;
}

export interface LegResult {
  /** ceiling, baseline, ours_1, ours_2 … */
  leg: string;
  description: string;
  seconds?: number;
  perSecond?: number;
  check?: StoredCheck;
  /** Peak RSS of each ingester process (ours legs only). */
  peakRssMb?: number[];
  /** CPU cores other processes on this machine used meanwhile (they compete with the stack). */
  otherCores?: number;
  /** Where the time went: phases, CPU by process, ingester metrics. */
  details: string[];
  error?: string;
}

export function seconds(fromMs: number, toMs: number = performance.now()): number {
  return (toMs - fromMs) / 1000;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
