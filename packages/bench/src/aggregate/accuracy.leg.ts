// Leg 2: every stored rollup and order lifecycle row against exact SQL over the raw events (auditRollups).
import type { Sql } from "@trading-analytics/core";
import { TEST_PLAN } from "@trading-analytics/rollups/testing";
import { type AuditMismatch, auditRollups } from "@trading-analytics/rollups";
import { timed } from "../shared/timing";

export interface AccuracyResult {
  rowsCompared: number;
  mismatches: number;
  firstMismatches: AuditMismatch[];
  maxPercentileRelError: number;
  seconds: number;
}

export async function runAccuracyLeg(sql: Sql, log: (line: string) => void): Promise<AccuracyResult> {
  log("accuracy: auditing every rollup against exact SQL over the raw events");
  const { value: audit, seconds } = await timed(() => auditRollups(sql, TEST_PLAN));
  return {
    rowsCompared: audit.rowsCompared,
    mismatches: audit.mismatches.length,
    firstMismatches: audit.mismatches.slice(0, 3),
    maxPercentileRelError: audit.maxPercentileRelError,
    seconds,
  };
}
