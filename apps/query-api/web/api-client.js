// Talks to the query-api from the page: JSON reads and the live event stream, both with the
// API key (when one is set) in the X-API-Key header. The stream is read with fetch() rather than
// EventSource, which cannot send headers; the key therefore never goes into a URL (and a log).

const KEY_STORAGE = "trading-analytics.api-key";
const STREAM_PATH = "/api/v1/events/stream";
/** The server sends a heartbeat every 15 s; silence this long means the connection is dead. */
const STREAM_SILENCE_MS = 45_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

/** A 401: the server wants an API key (or a valid one). */
export class AuthRequiredError extends Error {
  constructor(message) {
    super(message);
    this.name = "AuthRequiredError";
  }
}

/** The API's flat error shape {"error":"<message>","code","field?"} as an exception. */
export class ApiError extends Error {
  constructor(status, body) {
    super(errorMessage(body) ?? `HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = typeof body?.code === "string" ? body.code : undefined;
  }
}

function errorMessage(body) {
  return typeof body?.error === "string" ? body.error : undefined;
}

/** The key lives in sessionStorage: this tab only, gone when it closes. */
export const apiKeyStore = {
  get: () => sessionStorage.getItem(KEY_STORAGE) ?? "",
  set: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

function headers(accept) {
  const key = apiKeyStore.get();
  return key ? { Accept: accept, "X-API-Key": key } : { Accept: accept };
}

/** GET path?params as JSON; throws AuthRequiredError on 401 and ApiError on any other failure. */
export async function getJson(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== undefined && value !== null));
  const url = query.size > 0 ? `${path}?${query}` : path;
  const res = await fetch(url, { headers: headers("application/json"), cache: "no-store" });
  const body = await res.json().catch(() => undefined);
  if (res.status === 401) throw new AuthRequiredError(errorMessage(body) ?? "an API key is required");
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** As getJson, but undefined when the route answers 404 (not served by this server, or nothing there). */
export async function getJsonOrNone(path, params = {}) {
  try {
    return await getJson(path, params);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/**
 * Incremental text/event-stream parser (the WHATWG rules the server's messages use): feed it
 * chunks as they arrive, get back the complete messages and comments.
 */
export class SseParser {
  constructor() {
    this.buffer = "";
    this.reset();
  }

  reset() {
    this.event = "";
    this.data = [];
    this.id = undefined;
  }

  /** @returns {Array<{type:"message",event:string,data:string,id?:string}|{type:"comment",text:string}>} */
  push(chunk) {
    this.buffer += chunk;
    const out = [];
    let start = 0;
    for (;;) {
      const match = /\r\n|\r|\n/g;
      match.lastIndex = start;
      const found = match.exec(this.buffer);
      // A lone trailing "\r" may be the first half of "\r\n": wait for the next chunk.
      if (!found || (found[0] === "\r" && found.index === this.buffer.length - 1)) break;
      this.line(this.buffer.slice(start, found.index), out);
      start = found.index + found[0].length;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  line(line, out) {
    if (line === "") {
      if (this.data.length > 0) out.push({ type: "message", event: this.event || "message", data: this.data.join("\n"), id: this.id });
      this.reset();
      return;
    }
    if (line.startsWith(":")) {
      out.push({ type: "comment", text: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id") this.id = value;
  }
}

/**
 * Keeps one live stream of stored events open, reconnecting with back-off. Calls
 * onEvent(event) for each event, onState("connecting"|"live"|"reconnecting"|"key-needed"),
 * and onAuthRequired() when the server wants a key; restart() after the key changes.
 */
export class EventStream {
  constructor({ onEvent, onState, onAuthRequired }) {
    this.onEvent = onEvent;
    this.onState = onState;
    this.onAuthRequired = onAuthRequired;
    this.controller = undefined;
    this.stopped = false;
    this.wake = undefined;
  }

  start() {
    void this.run();
  }

  /** Drops the connection and connects again at once (a new key, say). */
  restart() {
    this.controller?.abort();
    this.wake?.();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
    this.wake?.();
  }

  async run() {
    let retryMs = RETRY_MIN_MS;
    while (!this.stopped) {
      this.onState("connecting");
      let needsKey = false;
      try {
        needsKey = await this.connectOnce(() => (retryMs = RETRY_MIN_MS));
      } catch {
        // network error, server gone, stalled: retried below
      }
      if (this.stopped) return;
      if (needsKey) {
        this.onState("key-needed");
        this.onAuthRequired();
        await this.sleep(Number.POSITIVE_INFINITY); // until restart() with a key
        continue;
      }
      this.onState("reconnecting");
      await this.sleep(retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    }
  }

  /** One connection, read until it ends; true when the server asked for an API key. */
  async connectOnce(onLive) {
    const controller = new AbortController();
    this.controller = controller;
    let silence;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(), STREAM_SILENCE_MS);
    };
    try {
      watch();
      const res = await fetch(STREAM_PATH, { headers: headers("text/event-stream"), cache: "no-store", signal: controller.signal });
      if (res.status === 401) return true;
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        watch();
        for (const message of parser.push(value)) {
          // ": ready": from now on every newly stored event is delivered.
          if (message.type === "comment" && message.text === "ready") {
            onLive();
            this.onState("live");
          } else if (message.type === "message" && message.event === "event") {
            this.onEvent(JSON.parse(message.data));
          }
        }
      }
    } finally {
      clearTimeout(silence);
      controller.abort();
    }
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(resolve, ms) : undefined;
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
