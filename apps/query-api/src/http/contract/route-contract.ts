import type { z } from "zod";

/** One OpenAPI security requirement: a scheme's name and (for API keys) no scopes. */
export type SecurityRequirement = Record<string, string[]>;

/** An API key in X-API-Key or as a bearer token: the document's default for every route. */
export const API_KEY: SecurityRequirement[] = [{ ApiKey: [] }, { Bearer: [] }];
/** Health, metrics and this document: no key. */
export const PUBLIC: SecurityRequirement[] = [];

export interface ResponseContract {
  description: string;
  /** Media type → schema of the body; none for a body-less answer (HEAD). */
  content?: Record<string, z.ZodType>;
}

/**
 * One route as clients see it: its parameters, body and answers. The OpenAPI document is built
 * from these; where a route validates with them, the same schema is its parser.
 */
export interface RouteContract {
  method: "get" | "head" | "post" | "put" | "delete";
  /** OpenAPI form: /x/{name}. */
  path: string;
  tags: string[];
  summary: string;
  description?: string;
  /** Unset: the document's default (an API key). */
  security?: SecurityRequirement[];
  /** Each property is one query parameter; optional ones are not required. */
  query?: z.ZodObject;
  /** Each property is one path parameter. */
  params?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<string, ResponseContract>;
}

export const json = (schema: z.ZodType, description: string): ResponseContract => ({ description, content: { "application/json": schema } });

/** A non-JSON body: every media type carries text. */
export const text = (mediaTypes: string[], schema: z.ZodType, description: string): ResponseContract => ({
  description,
  content: Object.fromEntries(mediaTypes.map((type) => [type, schema])),
});
