import { aggregatorSigkill } from "./aggregator-sigkill";
import { ingesterSigkill } from "./ingester-sigkill";
import { ingesterZombie } from "./ingester-zombie";
import { kafkaRestartKill, kafkaRestartTerm } from "./kafka-restart";
import { postgresImmediateStop } from "./postgres-immediate-stop";
import { redisDown } from "./redis-down";
import { replicasChurn } from "./replicas-churn";
import type { Scenario } from "./scenario";

export type { FaultContext, Profile, Scenario, ScenarioFigures } from "./scenario";

/** The faults in order of value. */
export const SCENARIOS: Scenario[] = [
  ingesterSigkill,
  aggregatorSigkill,
  ingesterZombie,
  kafkaRestartTerm,
  kafkaRestartKill,
  postgresImmediateStop,
  redisDown,
  replicasChurn,
];
