import { IncomingMessage, type ServerOptions, ServerResponse } from "node:http";
import type { Express } from "express";

type Initializer = (this: unknown, ...args: unknown[]) => void;

/**
 * Request and response classes for node:http whose objects are born with the app's own
 * prototypes (`app.request`, `app.response`). Express re-parents every request and response
 * with Object.setPrototypeOf; on objects already carrying those prototypes that call changes
 * nothing. Re-parenting per request made V8 promote about a third of everything a request
 * allocated to the old generation: scavenges of ~3 ms every ~40 ms under load, which set the
 * API's p99, and a third of the req/s of a bare Express 5 route (measured side by side).
 * Node's constructors are plain functions, run on the new object as they are; where a Node
 * version makes them classes (which cannot be called so), node's own classes are used.
 * A mounted sub-app (express() inside express()) would still re-parent; routers do not.
 * The cost is known upstream: expressjs/express#5998.
 */
export function expressMessageClasses(app: Express): Pick<ServerOptions, "IncomingMessage" | "ServerResponse"> {
  if (!isPlainFunction(IncomingMessage) || !isPlainFunction(ServerResponse)) return {};
  // Reflect.construct would also work with classes, but measured 5x slower per request here.
  const initRequest = IncomingMessage as unknown as Initializer;
  const initResponse = ServerResponse as unknown as Initializer;
  function AppRequest(this: unknown, ...args: unknown[]) {
    initRequest.apply(this, args);
  }
  AppRequest.prototype = app.request;
  function AppResponse(this: unknown, ...args: unknown[]) {
    initResponse.apply(this, args);
  }
  AppResponse.prototype = app.response;
  return { IncomingMessage: AppRequest as unknown as typeof IncomingMessage, ServerResponse: AppResponse as unknown as typeof ServerResponse };
}

function isPlainFunction(constructor: unknown): boolean {
  return typeof constructor === "function" && !/^class\b/.test(Function.prototype.toString.call(constructor));
}
