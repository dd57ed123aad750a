// Shapes the seeds document, asserted with jest's global expect (this module is only loaded by tests).
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** 002 Step 9's fields with the seed's types (B-F4). */
export function expectDashboardShape(body: Record<string, unknown>): void {
  for (const field of ["active_users", "orders_placed", "orders_filled", "active_strategies"]) {
    expect([field, Number.isInteger(body[field])]).toEqual([field, true]);
  }
  for (const field of ["events_per_second", "total_volume", "average_latency", "error_rate"]) {
    expect([field, typeof body[field]]).toEqual([field, "number"]);
  }
  expect(typeof body.custom_metrics).toBe("object");
  expect(body.custom_metrics).not.toBeNull();
  expect(Array.isArray(body.custom_metrics)).toBe(false);
  expect(body.last_updated).toMatch(ISO);
}

