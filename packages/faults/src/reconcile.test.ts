import { attributeToFault, lostPerFault, reconcile, recoveryMs, worstLag } from "./reconcile";

const produced = [
  { id: "a", ackedAt: 100 },
  { id: "b", ackedAt: 200 },
  { id: "c", ackedAt: 300 },
];

describe("reconcile", () => {
  it("finds nothing wrong when every event is stored once and every invalid message is dead-lettered", () => {
    const result = reconcile(produced, new Map([["a", 1], ["b", 1], ["c", 1]]), ["bad-1", "bad-2"], ["bad-2", "bad-1"]);
    expect(result).toMatchObject({ produced: 3, stored: 3, lost: [], duplicated: [], unexpected: [], invalidMissing: [], wronglyDeadLettered: [], deadLettered: 2 });
  });

  it("names lost, duplicated and unexpected ids", () => {
    const result = reconcile(produced, new Map([["a", 2], ["c", 1], ["zz", 1]]), [], []);
    expect(result.lost).toEqual(["b"]);
    expect(result.duplicated).toEqual(["a"]);
    expect(result.unexpected).toEqual(["zz"]);
    expect(result.stored).toBe(2);
  });

  it("names invalid messages missing from the dead letters, valid ones dead-lettered and repeats", () => {
    const result = reconcile([], new Map(), ["bad-1", "bad-2"], ["bad-1", "bad-1", "k7"]);
    expect(result.invalidMissing).toEqual(["bad-2"]);
    expect(result.wronglyDeadLettered).toEqual(["k7"]);
    expect(result.deadLetterRepeats).toEqual(["bad-1"]);
    expect(result.deadLettered).toBe(1);
  });
});

describe("fault attribution", () => {
  const windows = [{ name: "kill", startedAt: 150, endedAt: 250 }];

  it("puts an event in the window its acknowledgement fell in, else steady", () => {
    expect(attributeToFault(200, windows)).toBe("kill");
    expect(attributeToFault(300, windows)).toBe("steady");
  });

  it("counts lost events per fault", () => {
    expect(lostPerFault(produced, ["b", "c"], windows)).toEqual(new Map([["kill", 1], ["steady", 1]]));
  });
});

describe("lag and recovery", () => {
  const samples = [
    { at: 0, acked: 10, stored: 10 },
    { at: 1000, acked: 20, stored: 12 },
    { at: 2000, acked: 30, stored: 15 },
    { at: 3000, acked: 40, stored: 31 },
  ];

  it("takes the worst backlog inside the window", () => {
    expect(worstLag(samples, 500, 2500)).toBe(15);
  });

  it("measures the time from the fault's end until what was acknowledged then is stored", () => {
    expect(recoveryMs(samples, 1500, 30)).toBe(1500);
    expect(recoveryMs(samples, 1500, 50)).toBeUndefined();
  });
});
