// Users logging in and out, browsing and clicking while online. Only online users place orders.
import type { Actor, EventSink } from "./event-sink";
import type { SeededRandom } from "./random";
import type { Wallet } from "./wallets";

const SESSION_TURNOVER = 0.06; // per-user login/logout weight; online ≈ offline in steady state
const BROWSE_WEIGHT = 15;
const LOGIN_METHODS = ["password", "password", "sso", "api_key"];
const CLIENTS = ["web", "web", "desktop", "ios", "android"];
const STATIC_PAGES = ["/dashboard", "/orders", "/portfolio", "/alerts", "/settings"];
const BUTTONS = ["place-order", "cancel-order", "refresh", "export-csv", "toggle-chart", "start-strategy"];

interface Session {
  id: string;
  startedAt: number;
  path: string;
}

export interface User {
  id: string;
  session: Session | null;
  /** Index in whichever of `online` / `offline` holds the user, for O(1) moves. */
  slot: number;
  wallet: Wallet;
}

export class UserSessions {
  private readonly online: User[] = [];
  private readonly offline: User[] = [];
  private readonly pages: string[];

  constructor(
    private readonly random: SeededRandom,
    private readonly sink: EventSink,
    userCount: number,
    symbols: readonly string[],
    strategyIds: readonly string[],
  ) {
    for (let i = 1; i <= userCount; i++) {
      this.offline.push({ id: `user-${String(i).padStart(3, "0")}`, session: null, slot: i - 1, wallet: new Map() });
    }
    this.pages = [
      ...STATIC_PAGES,
      ...symbols.map((symbol) => `/markets/${symbol}`),
      ...strategyIds.map((id) => `/strategies/${id}`),
    ];
  }

  /** A random logged-in user, or undefined (drawing nothing) when nobody is online. */
  pickOnline(): User | undefined {
    return this.online.length === 0 ? undefined : this.random.pick(this.online);
  }

  /** One login, logout, page view or click, weighted so sessions turn over slowly. */
  activity(): void {
    const loginWeight = this.offline.length * SESSION_TURNOVER;
    const logoutWeight = this.online.length * SESSION_TURNOVER;
    const browseWeight = this.online.length > 0 ? BROWSE_WEIGHT : 0;
    const r = this.random.next() * (loginWeight + logoutWeight + browseWeight);
    if (r < loginWeight) return this.login(this.random.pick(this.offline));
    const user = this.random.pick(this.online);
    const session = user.session!;
    const actor = { userId: user.id, sessionId: session.id };
    if (r < loginWeight + logoutWeight) {
      const duration = Math.round((this.sink.nowMs - session.startedAt) / 1000);
      this.sink.emit("user.logout", user.id, { session_duration_s: duration }, actor);
      user.session = null;
      this.moveUser(user, this.online, this.offline);
    } else if (this.random.chance(0.6)) {
      const path = this.random.pick(this.pages);
      this.sink.emit("page.view", user.id, { path, referrer: session.path }, actor);
      session.path = path;
    } else {
      this.sink.emit("button.click", user.id, { button_id: this.random.pick(BUTTONS), path: session.path }, actor);
    }
  }

  private login(user: User): void {
    user.session = { id: this.random.uuid(), startedAt: this.sink.nowMs, path: "/dashboard" };
    this.moveUser(user, this.offline, this.online);
    const actor: Actor = { userId: user.id, sessionId: user.session.id };
    const method = this.random.pick(LOGIN_METHODS);
    this.sink.emit("user.login", user.id, { method, client: this.random.pick(CLIENTS) }, actor);
  }

  private moveUser(user: User, from: User[], to: User[]): void {
    const last = from.pop()!;
    if (last !== user) {
      from[user.slot] = last;
      last.slot = user.slot;
    }
    user.slot = to.length;
    to.push(user);
  }
}
