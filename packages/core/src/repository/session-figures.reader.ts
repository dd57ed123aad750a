import type { Sql } from "./database";

/** The sessions started in a range, as session_figures() (migration 0025) computes them; null figures without sessions. */
export interface SessionFigures {
  sessions: number;
  users: number;
  durationS: { p50: number | null; p95: number | null };
  eventsPerSession: { avg: number | null; p50: number | null; p95: number | null };
  loginToFirstOrderS: { count: number; p50: number | null; p95: number | null };
}

interface FiguresRow {
  sessions: string;
  users: string;
  duration_p50_s: number | null;
  duration_p95_s: number | null;
  events_per_session_avg: number | null;
  events_per_session_p50: number | null;
  events_per_session_p95: number | null;
  login_to_first_order_count: string;
  login_to_first_order_p50_s: number | null;
  login_to_first_order_p95_s: number | null;
}

/** Reads session figures through session_figures(), the one definition Grafana and psql share. */
export class SessionFiguresReader {
  constructor(private readonly sql: Sql) {}

  async figures(range: { from: Date; to: Date }): Promise<SessionFigures> {
    const [row] = await this.sql<FiguresRow[]>`select * from session_figures(${range.from}, ${range.to})`;
    const r = row!;
    return {
      sessions: Number(r.sessions),
      users: Number(r.users),
      durationS: { p50: r.duration_p50_s, p95: r.duration_p95_s },
      eventsPerSession: { avg: r.events_per_session_avg, p50: r.events_per_session_p50, p95: r.events_per_session_p95 },
      loginToFirstOrderS: { count: Number(r.login_to_first_order_count), p50: r.login_to_first_order_p50_s, p95: r.login_to_first_order_p95_s },
    };
  }
}
