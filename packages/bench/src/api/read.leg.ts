// Each read scenario: its floor measured first (the statements replayed on the bench's own
// pool, or a Redis GET), then the API from the load process at one connection (latency as one
// client sees it, on the same footing as the floor) and at N connections (throughput, and the
// latency under that load), then its ceiling the same two ways: the API's own response bytes
// served from memory (byte-ceiling). A request is checked before and after for status and X-Cache.
import { errorMessage, type RedisClient, type Sql } from "@trading-analytics/core";
import { type LatencySummary, summarizeLatencies } from "../shared/timing";
import { type CapturedResponse, startByteServer } from "./byte-ceiling";
import type { KnownPids } from "./machine-load";
import { runLoadProcess } from "./load-client";
import type { LoadResult, LoadSpec } from "./load-spec";
import type { ReadScenario } from "./read-scenarios";
import { type FloorTiming, measureFloor, recordStatements } from "./route-statements";

export interface ReadLegOptions {
  baseUrl: string;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  floorRuns: number;
  pids: KnownPids;
}

export interface FloorResult {
  kind: "postgres" | "redis";
  client: LatencySummary;
  /** PostgreSQL execution time (EXPLAIN ANALYZE), summed over the route's statements. */
  serverMs?: number;
  statements?: number;
}

export interface ReadResult {
  name: string;
  title: string;
  path: string;
  /** The route answered 404: not served on this branch yet. Not a failure. */
  missing?: boolean;
  targetP99Ms?: number;
  /** Why an optional floor could not be measured. */
  floorNote?: string;
  responseBytes: number;
  floor?: FloorResult;
  single?: LoadResult;
  loaded?: LoadResult;
  /** The same response's bytes from a bare server, at 1 and N connections. */
  ceiling?: { single: LoadResult; loaded: LoadResult };
  error?: string;
}

const FLOOR_BUDGET_MS = 10_000;
const REDIS_FLOOR_RUNS = 2_000;

export async function runReadScenario(scenario: ReadScenario, sql: Sql, redis: RedisClient, options: ReadLegOptions, log: (line: string) => void): Promise<ReadResult> {
  const result: ReadResult = { name: scenario.name, title: scenario.title, path: scenario.path, responseBytes: 0, targetP99Ms: scenario.targetP99Ms };
  try {
    await scenario.prepare?.();
    const response = await checkResponse(options.baseUrl, scenario);
    result.responseBytes = response.body.length;
    try {
      result.floor = await measureScenarioFloor(scenario, sql, redis, options.floorRuns);
    } catch (error) {
      if (!(scenario.floor.kind === "sql" && scenario.floor.optional)) throw error;
      result.floorNote = `no floor: ${errorMessage(error)}`;
    }
    log(`${scenario.name}: ${result.floor ? `floor p50 ${result.floor.client.p50Ms.toFixed(2)} ms` : result.floorNote}; API at 1 connection for ${options.durationSeconds} s`);
    const spec = { url: `${options.baseUrl}${scenario.path}`, method: "GET" as const, durationSeconds: options.durationSeconds, warmupSeconds: options.warmupSeconds, pids: options.pids };
    result.single = await runLoadProcess({ ...spec, connections: 1 });
    log(`${scenario.name}: ${describe(result.single)}; API at ${options.connections} connections`);
    result.loaded = await runLoadProcess({ ...spec, connections: options.connections });
    log(`${scenario.name}: ${describe(result.loaded)}`);
    await checkResponse(options.baseUrl, scenario);
    result.ceiling = await measureCeiling(response, spec, options.connections);
    log(`${scenario.name}: ceiling (the same bytes from memory) ${describe(result.ceiling.single)} at 1 connection; ${describe(result.ceiling.loaded)} at ${options.connections}`);
    const failed = [result.single, result.loaded, result.ceiling.single, result.ceiling.loaded].find((load) => load.non2xx + load.errors + load.timeouts > 0);
    if (failed) throw new Error(`non-2xx or failed requests: ${JSON.stringify({ statusCodes: failed.statusCodes, errors: failed.errors, timeouts: failed.timeouts })}`);
  } catch (error) {
    if (error instanceof RouteMissing) {
      result.missing = true;
      log(`${scenario.name}: missing (GET ${scenario.path.split("?")[0]} answered 404 on this branch)`);
    } else result.error = errorMessage(error);
  } finally {
    await scenario.finish?.();
  }
  return result;
}

function describe(load: LoadResult): string {
  if (load.ok === 0) return `no response completed within ${load.durationSeconds} s`;
  return `${Math.round(load.perSecond).toLocaleString("en-US")} req/s, p50 ${load.latency?.p50Ms.toFixed(2)} ms, p99 ${load.latency?.p99Ms.toFixed(2)} ms`;
}

async function measureCeiling(response: CapturedResponse, spec: Omit<LoadSpec, "connections">, connections: number): Promise<{ single: LoadResult; loaded: LoadResult }> {
  const server = await startByteServer(response);
  try {
    const at = { ...spec, url: server.url };
    return { single: await runLoadProcess({ ...at, connections: 1 }), loaded: await runLoadProcess({ ...at, connections }) };
  } finally {
    await server.close();
  }
}

/** A route this branch does not serve (yet). */
class RouteMissing extends Error {}

/** One request: 200 with the expected X-Cache, else the scenario is wrong (404: the route is missing). Returns the response. */
async function checkResponse(baseUrl: string, scenario: ReadScenario): Promise<CapturedResponse> {
  const response = await fetch(`${baseUrl}${scenario.path}`);
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status === 404) throw new RouteMissing(`GET ${scenario.path} answered 404`);
  if (response.status !== 200) throw new Error(`GET ${scenario.path} answered ${response.status}: ${body.toString("utf8").slice(0, 500)}`);
  const cache = response.headers.get("x-cache") ?? undefined;
  if (cache !== scenario.cache) throw new Error(`GET ${scenario.path} answered X-Cache ${cache ?? "(none)"}, expected ${scenario.cache ?? "(none)"}`);
  return { body, contentType: response.headers.get("content-type") ?? "application/json" };
}

async function measureScenarioFloor(scenario: ReadScenario, sql: Sql, redis: RedisClient, runs: number): Promise<FloorResult> {
  if (scenario.floor.kind === "redis") {
    const key = scenario.floor.key();
    const durations: number[] = [];
    for (let run = 0; run < REDIS_FLOOR_RUNS; run++) {
      const started = performance.now();
      if ((await redis.get(key)) === null) throw new Error(`Redis has no ${key}`);
      durations.push(performance.now() - started);
    }
    return { kind: "redis", client: summarizeLatencies(durations)! };
  }
  const statements = await recordStatements(sql, scenario.floor.reader);
  const timing: FloorTiming = await measureFloor(sql, statements, { runs, budgetMs: FLOOR_BUDGET_MS, explainRuns: 5 });
  return { kind: "postgres", client: timing.client, serverMs: timing.serverMs, statements: timing.statements };
}
