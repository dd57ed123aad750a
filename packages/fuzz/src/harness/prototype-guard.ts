/** The built-in prototypes a polluting merge would write to. */
const WATCHED: [string, object][] = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
];

type Snapshot = Map<string, Map<PropertyKey, PropertyDescriptor>>;

function snapshot(): Snapshot {
  return new Map(WATCHED.map(([name, proto]) => [name, new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)!]))]));
}

const same = (a: PropertyDescriptor, b: PropertyDescriptor) => a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable;

/**
 * Remembers the built-in prototypes as they are now; changes() names every key added, removed
 * or replaced since (in this process: the API runs in-process for exactly this check).
 */
export class PrototypeGuard {
  private readonly before = snapshot();

  changes(): string[] {
    const found: string[] = [];
    for (const [name, now] of snapshot()) {
      const then = this.before.get(name)!;
      for (const [key, descriptor] of now) {
        const old = then.get(key);
        if (!old) found.push(`${name}.${String(key)} added`);
        else if (!same(old, descriptor)) found.push(`${name}.${String(key)} replaced`);
      }
      for (const key of then.keys()) if (!now.has(key)) found.push(`${name}.${String(key)} removed`);
    }
    return found;
  }
}
