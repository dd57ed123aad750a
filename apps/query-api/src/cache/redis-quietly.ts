/** What redisQuietly returns when Redis failed or was too slow. */
export const REDIS_UNAVAILABLE = Symbol("redis unavailable");

/**
 * Runs a Redis command for a cache: its result, or REDIS_UNAVAILABLE when it fails or takes
 * longer than timeoutMs, so a sick Redis slows no request by more than that and fails none.
 */
export async function redisQuietly<T>(command: () => Promise<T>, timeoutMs: number): Promise<T | typeof REDIS_UNAVAILABLE> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      command(),
      new Promise<typeof REDIS_UNAVAILABLE>((resolve) => {
        timer = setTimeout(() => resolve(REDIS_UNAVAILABLE), timeoutMs);
      }),
    ]);
  } catch {
    return REDIS_UNAVAILABLE;
  } finally {
    clearTimeout(timer);
  }
}
