import type http from "node:http";
import fc from "fast-check";
import { renderBody } from "../generators/hostile-bodies";
import { type HttpChannel, httpCase } from "../generators/http-cases";
import { type FuzzTally, preview } from "../report/fuzz-tally";
import { CHUNK, chunkSeed, freshIds } from "./case-seeds";
import { sendRaw } from "./raw-http";
import { errorMessage } from "@trading-analytics/core";

export interface HttpFuzzTarget {
  agent: http.Agent;
  port: number;
  seed: number;
  tally: FuzzTally;
  /** Ids the API answered 202 for, to look for in PostgreSQL later. */
  accepted: string[];
  /** The built-in prototype keys changed in the API's process since the last call (prototypeProbe). */
  prototypeChanges: () => Promise<string[]>;
}

/** The API's flat error body: error is the message, the rest beside it. */
interface ErrorBody {
  error?: unknown;
  code?: unknown;
  field?: unknown;
  request_id?: unknown;
}

/**
 * Sends `count` generated requests of one channel, one at a time, and checks each answer: below
 * 500, the API's error shape on its JSON errors, a named field on every 400 of the API's own,
 * and the built-in prototypes of the API's process unchanged after every request.
 */
export async function fuzzHttpChannel(channel: HttpChannel, count: number, target: HttpFuzzTarget): Promise<void> {
  const { tally } = target;
  for (let chunk = 0; chunk * CHUNK < count; chunk++) {
    const cases = fc.sample(httpCase(channel), { seed: chunkSeed(target.seed, channel, chunk), numRuns: Math.min(CHUNK, count - chunk * CHUNK) });
    for (const [i, generated] of cases.entries()) {
      const index = chunk * CHUNK + i;
      const body = generated.body ? renderBody(generated.body, freshIds(target.seed, channel, index)) : undefined;
      const shown = () => `${generated.method} ${preview(generated.path, 200)} ${JSON.stringify(generated.headers)} body ${preview(body)}`;
      const fail = (problem: string) => tally.fail({ channel, index, problem, payload: shown() });
      let response;
      try {
        response = await sendRaw(target.agent, target.port, { method: generated.method, path: generated.path, headers: generated.headers, body });
      } catch (error) {
        tally.recordHttp(channel, "no response");
        fail(`no response (${errorMessage(error)})`);
        continue;
      }
      tally.recordHttp(channel, response.status);
      if (response.status >= 500) fail(`answered ${response.status} ${preview(response.body, 200)}`);
      checkAnswer(response.status, response.contentType, response.body, fail, target.accepted);
      const changed = await target.prototypeChanges();
      if (changed.length > 0) fail(`prototype pollution: ${changed.join(", ")}`);
    }
  }
}

function checkAnswer(status: number, contentType: string, raw: Buffer, fail: (problem: string) => void, accepted: string[]): void {
  // Node's own HTTP parser answers a malformed request (431, 400) before the app sees it, without JSON.
  if (!contentType.includes("application/json")) {
    if (status !== 400 && status !== 431 && status !== 414) fail(`answered ${status} with ${contentType || "no content type"}`);
    return;
  }
  let body: ErrorBody & { event_id?: string; event_ids?: string[] };
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    fail(`answered ${status} with a body that is not JSON`);
    return;
  }
  if (status === 202) {
    if (body.event_id) accepted.push(body.event_id);
    if (body.event_ids) accepted.push(...body.event_ids);
    return;
  }
  if (status < 400) return;
  if (typeof body.error !== "string" || typeof body.code !== "string" || typeof body.request_id !== "string") {
    fail(`answered ${status} without the error shape: ${preview(raw, 200)}`);
  } else if (status === 400 && typeof body.field !== "string") {
    // "" is a name too: that of an empty key or query parameter.
    fail(`answered 400 without naming a field: ${preview(raw, 200)}`);
  }
}
