// What every leg gets and gives back.
import type { Kafka } from "kafkajs";
import type { CleanupStack } from "@trading-analytics/core/testing";
import type { BenchDataset } from "../shared/dataset";
import type { StoredCheck } from "./bench-database";

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
