/** A user-defined event type: events of this type must match `schema` (JSON Schema) on ingest. */
export interface CustomEventDefinition {
  name: string;
  /** Increases by one each time the definition changes; old versions are kept. */
  version: number;
  displayName: string | null;
  description: string | null;
  schema: Record<string, unknown>;
  isActive: boolean;
  createdAt: Date;
}
