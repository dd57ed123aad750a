import { z } from "zod";
import { COMPONENT_SCHEMAS, type RouteContract, routeContracts } from "../http/contract";
import { API_KEY } from "../http/contract/route-contract";

// The OpenAPI 3.1 description of the query-api, built from the route contracts: one schema per
// route gives the document, the response types and (where a route parses with it) validation.
// Schemas are JSON Schema 2020-12 (OpenAPI 3.1's dialect), so any JSON Schema validator reads them.

export type JsonSchema = Record<string, unknown>;

export interface Parameter {
  name: string;
  in: "query" | "path";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Operation {
  tags: string[];
  summary: string;
  description?: string;
  security?: RouteContract["security"];
  parameters?: Parameter[];
  requestBody?: { required: true; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  jsonSchemaDialect: string;
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  security: RouteContract["security"];
  paths: Record<string, Partial<Record<RouteContract["method"], Operation>>>;
  components: { securitySchemes: Record<string, JsonSchema>; schemas: Record<string, JsonSchema> };
}

const COMPONENTS_PREFIX = "#/components/schemas/";

const SECURITY_SCHEMES = {
  ApiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "scopes: read (GET), write (POST events), admin (custom events changes)" },
  Bearer: { type: "http", scheme: "bearer", description: "the same API key as a bearer token" },
};

const INFO = {
  title: "Trading analytics query API",
  version: "1.0.0",
  description:
    "Ingest events over HTTP, query stored events, rollup metrics, trading analytics and dashboard figures. " +
    'Every error is flat, as the B25 seed\'s clients read it: {"error":"<message>","code","field?","request_id",...details}; every response carries X-Request-ID.',
};

export interface OpenApiOptions {
  /** Where Prometheus metrics are served (metrics.path). */
  metricsPath?: string;
  routes?: RouteContract[];
  components?: Readonly<Record<string, z.ZodType>>;
}

/** The document for these routes; every schema converted in one pass, so shared components are named once. */
export function buildOpenApiDocument({ metricsPath = "/metrics", routes = routeContracts({ metricsPath }), components = COMPONENT_SCHEMAS }: OpenApiOptions = {}): OpenApiDocument {
  const catalog = new SchemaCatalog(components);
  // Placeholders first: every schema must be registered before the one conversion.
  const drafts = routes.map((route) => ({ route, operation: draftOperation(route, catalog) }));
  const resolve = catalog.convert();

  const paths: OpenApiDocument["paths"] = {};
  for (const { route, operation } of drafts) {
    const item = (paths[route.path] ??= {});
    if (item[route.method]) throw new Error(`${route.method.toUpperCase()} ${route.path} is declared twice`);
    item[route.method] = operation(resolve);
  }
  const document: OpenApiDocument = {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: INFO,
    servers: [{ url: "http://localhost:9097" }],
    security: API_KEY,
    paths,
    components: { securitySchemes: SECURITY_SCHEMES, schemas: catalog.components(resolve) },
  };
  assertReferencesResolve(document);
  return document;
}

type Resolve = (id: string) => JsonSchema;

/** An operation waiting for the converted schemas. */
function draftOperation(route: RouteContract, catalog: SchemaCatalog): (resolve: Resolve) => Operation {
  const query = route.query && catalog.register(route.query);
  const params = route.params && catalog.register(route.params);
  const body = route.body && catalog.register(route.body);
  const responses = Object.entries(route.responses).map(
    ([status, { description, content }]) => [status, description, Object.entries(content ?? {}).map(([type, schema]) => [type, catalog.register(schema)] as const)] as const,
  );
  return (resolve) => {
    const parameters = [...(params ? parametersOf(resolve(params), "path") : []), ...(query ? parametersOf(resolve(query), "query") : [])];
    return {
      tags: route.tags,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.security === undefined ? {} : { security: route.security }),
      ...(parameters.length === 0 ? {} : { parameters }),
      ...(body === undefined ? {} : { requestBody: { required: true, content: { "application/json": { schema: catalog.reference(body, resolve) } } } }),
      responses: Object.fromEntries(
        responses.map(([status, description, content]) => [
          status,
          content.length === 0 ? { description } : { description, content: Object.fromEntries(content.map(([type, id]) => [type, { schema: catalog.reference(id, resolve) }])) },
        ]),
      ),
    };
  };
}

/** One parameter per property of an object schema; a path parameter is always required. */
function parametersOf(schema: JsonSchema, location: Parameter["in"]): Parameter[] {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

/**
 * The zod schemas of a document in one registry: components under their names, the rest under
 * placeholder ids that are inlined where they are used.
 */
class SchemaCatalog {
  private readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodType, string>();
  private readonly componentIds = new Set<string>();

  constructor(components: Readonly<Record<string, z.ZodType>>) {
    for (const [name, schema] of Object.entries(components)) {
      this.add(schema, name);
      this.componentIds.add(name);
    }
  }

  register(schema: z.ZodType): string {
    return this.ids.get(schema) ?? this.add(schema, `inline-${this.ids.size}`);
  }

  convert(): Resolve {
    const { schemas } = z.toJSONSchema(this.registry, {
      // What a client sends and reads: open objects, and a query parameter's text before it is parsed.
      io: "input",
      uri: (id) => `${COMPONENTS_PREFIX}${id}`,
      override: ({ jsonSchema }) => {
        // zod writes its own regex beside a format; the format says it, and validators know it.
        if (typeof jsonSchema.format === "string") delete jsonSchema.pattern;
        // z.int() bounds every integer to the safe range: noise in a document.
        if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
        if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
      },
    });
    if (schemas.__shared) throw new Error("a schema refers to itself; the document has no place for its shared definitions");
    return (id) => {
      const { $schema: _dialect, $id: _id, ...schema } = (schemas[id] ?? {}) as JsonSchema;
      if (_id === undefined) throw new Error(`schema ${id} was not converted`);
      return schema;
    };
  }

  /** A component by reference, anything else inline. */
  reference(id: string, resolve: Resolve): JsonSchema {
    return this.componentIds.has(id) ? { $ref: `${COMPONENTS_PREFIX}${id}` } : resolve(id);
  }

  components(resolve: Resolve): Record<string, JsonSchema> {
    return Object.fromEntries([...this.componentIds].map((id) => [id, resolve(id)]));
  }

  private add(schema: z.ZodType, id: string): string {
    this.registry.add(schema, { id });
    this.ids.set(schema, id);
    return id;
  }
}

/** Every $ref names a component: a placeholder referenced from inside another schema would dangle. */
function assertReferencesResolve(document: OpenApiDocument): void {
  const walk = (node: unknown, at: string): void => {
    if (Array.isArray(node)) node.forEach((each, i) => walk(each, `${at}/${i}`));
    else if (node !== null && typeof node === "object") {
      for (const [key, value] of Object.entries(node)) {
        const named = typeof value === "string" && value.startsWith(COMPONENTS_PREFIX) && value.slice(COMPONENTS_PREFIX.length) in document.components.schemas;
        if (key === "$ref" && !named) {
          throw new Error(`${at} refers to ${String(value)}, which is not a component: name the shared schema in COMPONENT_SCHEMAS`);
        }
        walk(value, `${at}/${key}`);
      }
    }
  };
  walk(document.paths, "#/paths");
  walk(document.components.schemas, "#/components/schemas");
}
