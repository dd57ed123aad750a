import type { CustomEventDefinition } from "./custom-event-definition";

/** A definition as clients see it (the REST API, `analytics event-type --json`): snake_case keys, ISO time. */
export interface CustomEventView {
  name: string;
  version: number;
  display_name: string | null;
  description: string | null;
  schema: Record<string, unknown>;
  is_active: boolean;
  created_at: string;
}

export function toCustomEventView(definition: CustomEventDefinition): CustomEventView {
  return {
    name: definition.name,
    version: definition.version,
    display_name: definition.displayName,
    description: definition.description,
    schema: definition.schema,
    is_active: definition.isActive,
    created_at: definition.createdAt.toISOString(),
  };
}
