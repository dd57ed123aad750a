import type { Sql } from "./database";

/** Values made once per deployment by the migrations (migrations/0013) and shared by every replica. */
export class DeploymentSettingsRepository {
  constructor(private readonly sql: Sql) {}

  /** The namespace of ids derived from Kafka positions: random per deployment, never changed. */
  async derivedEventIdNamespace(): Promise<string> {
    const [row] = await this.sql<{ value: string }[]>`select value from deployment_settings where name = 'derived_event_id_namespace'`;
    if (!row) throw new Error("deployment_settings has no derived_event_id_namespace: run the migrations");
    return row.value;
  }
}
