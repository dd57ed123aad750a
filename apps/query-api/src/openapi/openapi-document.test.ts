import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { z } from "zod";
import { json, type RouteContract } from "../http/contract/route-contract";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi-document";
import { errorMessage } from "@trading-analytics/core";

const METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const LOCATIONS = new Set(["query", "header", "path", "cookie"]);

/** What an OpenAPI 3.1 validator checks of a document's structure, as a list of problems. */
function structureProblems(document: OpenApiDocument): string[] {
  const problems: string[] = [];
  const say = (at: string, problem: string) => problems.push(`${at}: ${problem}`);
  if (!/^3\.1\.\d+$/.test(document.openapi)) say("openapi", "is not 3.1.x");
  if (typeof document.info?.title !== "string" || typeof document.info?.version !== "string") say("info", "needs title and version");
  const schemes = document.components.securitySchemes;
  const checkSecurity = (at: string, security: unknown) => {
    if (security === undefined) return;
    if (!Array.isArray(security)) return say(at, "security is not a list");
    for (const requirement of security) for (const name of Object.keys(requirement as object)) if (!(name in schemes)) say(at, `unknown security scheme ${name}`);
  };
  checkSecurity("#", document.security);
  for (const [name, scheme] of Object.entries(schemes)) {
    if (!["apiKey", "http", "oauth2", "openIdConnect", "mutualTLS"].includes(scheme.type as string)) say(`securitySchemes/${name}`, "has no valid type");
    if (scheme.type === "apiKey" && (typeof scheme.name !== "string" || !["query", "header", "cookie"].includes(scheme.in as string))) say(`securitySchemes/${name}`, "apiKey needs name and in");
    if (scheme.type === "http" && typeof scheme.scheme !== "string") say(`securitySchemes/${name}`, "http needs scheme");
  }
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith("/")) say(path, "does not start with /");
    const templated = new Set([...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!));
    for (const [method, operation] of Object.entries(item)) {
      const at = `${method.toUpperCase()} ${path}`;
      if (!METHODS.has(method)) say(at, "is not an HTTP method");
      if (!operation) continue;
      checkSecurity(at, operation.security);
      const seen = new Set<string>();
      for (const parameter of operation.parameters ?? []) {
        if (typeof parameter.name !== "string" || !LOCATIONS.has(parameter.in)) say(at, `parameter ${parameter.name} needs a name and a valid in`);
        if (seen.has(`${parameter.in}:${parameter.name}`)) say(at, `parameter ${parameter.name} twice`);
        seen.add(`${parameter.in}:${parameter.name}`);
        if (parameter.in === "path" && (parameter.required !== true || !templated.has(parameter.name))) say(at, `path parameter ${parameter.name} must be required and in the path`);
        if (typeof parameter.schema !== "object") say(at, `parameter ${parameter.name} has no schema`);
      }
      for (const name of templated) if (!seen.has(`path:${name}`)) say(at, `{${name}} is not declared`);
      if (Object.keys(operation.responses).length === 0) say(at, "answers nothing");
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[1-5](\d\d|XX)$/.test(status) && status !== "default") say(at, `status ${status}`);
        if (typeof response.description !== "string") say(`${at} ${status}`, "needs a description");
        for (const [type, media] of Object.entries(response.content ?? {})) if (typeof media.schema !== "object") say(`${at} ${status} ${type}`, "has no schema");
      }
      if (operation.requestBody && Object.keys(operation.requestBody.content).length === 0) say(at, "requestBody has no content");
    }
  }
  return problems;
}

/** A JSON pointer as a URI fragment. */
const pointer = (...segments: string[]) => `#/${segments.map((segment) => encodeURIComponent(segment.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/")}`;

/** Where every schema of the document sits, as a pointer into it. */
function schemaPointers(document: OpenApiDocument): string[] {
  const found = Object.keys(document.components.schemas).map((name) => pointer("components", "schemas", name));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      (operation?.parameters ?? []).forEach((_, i) => found.push(pointer("paths", path, method, "parameters", String(i), "schema")));
      for (const type of Object.keys(operation?.requestBody?.content ?? {})) found.push(pointer("paths", path, method, "requestBody", "content", type, "schema"));
      for (const [status, response] of Object.entries(operation?.responses ?? {})) {
        for (const type of Object.keys(response.content ?? {})) found.push(pointer("paths", path, method, "responses", status, "content", type, "schema"));
      }
    }
  }
  return found;
}

describe("the OpenAPI document built from the route contracts", () => {
  const document = buildOpenApiDocument();

  it("has the structure of an OpenAPI 3.1 document", () => {
    expect(structureProblems(document)).toEqual([]);
    expect(Object.keys(document.paths).length).toBeGreaterThan(25);
  });

  it("would be told apart from a malformed one", () => {
    const broken = JSON.parse(JSON.stringify(document)) as OpenApiDocument;
    broken.paths["/api/v1/trading/orders/{order_id}"]!.get!.parameters = [];
    broken.paths["/api/v1/events"]!.get!.security = [{ Cookie: [] }];
    expect(structureProblems(broken)).toEqual([
      "GET /api/v1/events: unknown security scheme Cookie",
      "GET /api/v1/trading/orders/{order_id}: {order_id} is not declared",
    ]);
  });

  it("holds JSON Schema 2020-12 schemas whose references all resolve", () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(document, "openapi");
    const pointers = schemaPointers(document);
    // Compiled inside the document, so #/components/... resolves as a client resolves it.
    const broken = pointers.flatMap((at) => {
      try {
        ajv.compile({ $ref: `openapi${at}` });
        return [];
      } catch (error) {
        return [`${at}: ${errorMessage(error)}`];
      }
    });
    expect(pointers.length).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });

  it("keeps every description of a parameter beside it, not in its schema", () => {
    const events = document.paths["/api/v1/events"]!.get!;
    expect(events.parameters?.find((parameter) => parameter.name === "limit")).toEqual({
      name: "limit",
      in: "query",
      required: false,
      description: "1..analytics.query.max_results; default analytics.query.default_limit",
      schema: { type: "integer", minimum: 1 },
    });
    expect(document.paths["/api/v1/metrics"]!.get!.parameters?.find((parameter) => parameter.name === "metric_name")?.required).toBe(true);
  });

  it("names the shared schemas as components and refers to them", () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["Error", "Event", "IncomingEvent", "HealthReport", "CustomEventDefinition"]));
    expect(document.paths["/api/v1/events"]!.post!.requestBody!.content["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/IncomingEvent" });
    expect(document.paths["/api/v1/events"]!.get!.responses["400"]!.content!["application/json"]!.schema).toEqual({ $ref: "#/components/schemas/Error" });
  });

  it("describes Prometheus at the configured metrics path", () => {
    const moved = buildOpenApiDocument({ metricsPath: "/internal/metrics" });
    expect(moved.paths["/internal/metrics"]?.get?.summary).toBe("Prometheus metrics");
    expect(moved.paths["/metrics"]).toBeUndefined();
  });

  it("refuses a schema shared between routes without a component name, which would leave a dangling reference", () => {
    const shared = z.object({ x: z.int() });
    const route = (path: string, schema: z.ZodType): RouteContract => ({ method: "get", path, tags: [], summary: path, responses: { "200": json(schema, "ok") } });
    const routes = [route("/a", shared), route("/b", z.object({ inner: shared }))];
    expect(() => buildOpenApiDocument({ routes, components: {} })).toThrow(/not a component/);
  });
});
