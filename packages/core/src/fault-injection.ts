/**
 * What the ingester's fault hook and the fault suite (packages/faults) agree on: the variable
 * that arms the hook and the line the process writes just before it kills itself, so a
 * supervisor can tell this death from a crash. Never set the variable in production.
 */
export const KILL_AFTER_DB_COMMIT_ENV = "INGESTER_FAULT_KILL_AFTER_DB_COMMIT";

export const KILL_AFTER_DB_COMMIT_MARKER = "fault injection: SIGKILL after the database commit, before the Kafka commit";
