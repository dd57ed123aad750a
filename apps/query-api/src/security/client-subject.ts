import type { Request, Response } from "express";
import { authenticatedKey } from "./api-key-auth.middleware";
import { clientAddressKey } from "./client-address";

/** Who a request counts against: its API key when one was authenticated, else its client address. */
export function clientSubject(req: Request, res: Response): { id: string; description: string } {
  const key = authenticatedKey(res);
  if (key) return { id: `key:${key.keyId}`, description: `API key ${key.prefix}` };
  return { id: `ip:${clientAddressKey(req.ip)}`, description: "this client address" };
}
