// Preloaded into the apps the fuzz suite starts (NODE_OPTIONS=--require): on SIGUSR2 it writes
// one line to stderr naming every key added to, removed from or replaced on a built-in prototype
// since its previous answer, so pollution inside an app's process is seen by the suite.
const MARKER = "prototype-sentinel:";

const WATCHED = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
  ["Number.prototype", Number.prototype],
  ["Boolean.prototype", Boolean.prototype],
];

function snapshot() {
  return new Map(WATCHED.map(([name, proto]) => [name, new Map(Reflect.ownKeys(proto).map((key) => [key, Object.getOwnPropertyDescriptor(proto, key)]))]));
}

const same = (a, b) => a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable;

function changes(before, after) {
  const found = [];
  for (const [name, now] of after) {
    const then = before.get(name);
    for (const [key, descriptor] of now) {
      const old = then.get(key);
      if (!old) found.push(`${name}.${String(key)} added`);
      else if (!same(old, descriptor)) found.push(`${name}.${String(key)} replaced`);
    }
    for (const key of then.keys()) if (!now.has(key)) found.push(`${name}.${String(key)} removed`);
  }
  return found;
}

let before;
// After the app's modules have loaded (they load synchronously, before this runs).
setImmediate(() => (before = snapshot()));
process.on("SIGUSR2", () => {
  const now = snapshot();
  const found = before ? changes(before, now) : [];
  before = now; // the next answer reports new pollution, not this one again
  process.stderr.write(`${MARKER} ${JSON.stringify(found)}\n`);
});
