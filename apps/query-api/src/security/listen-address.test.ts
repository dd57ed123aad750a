import { isLoopback, listenAddress } from "./listen-address";

describe("listenAddress", () => {
  it("listens on every interface by default when API keys are on", () => {
    expect(listenAddress(undefined, true)).toEqual({ host: "0.0.0.0" });
  });

  it("listens on loopback only by default when API keys are off", () => {
    expect(listenAddress(undefined, false)).toEqual({ host: "127.0.0.1" });
  });

  it("keeps a host set on purpose, and warns when it opens a keyless API to the network", () => {
    expect(listenAddress("0.0.0.0", false)).toEqual({ host: "0.0.0.0", warning: expect.stringContaining("API keys are off") });
    expect(listenAddress("::", false).warning).toContain("listens on ::");
    expect(listenAddress("10.1.2.3", false).warning).toBeDefined();
    expect(listenAddress("10.1.2.3", true)).toEqual({ host: "10.1.2.3" });
    expect(listenAddress("localhost", false)).toEqual({ host: "localhost" });
    expect(listenAddress("::1", false)).toEqual({ host: "::1" });
  });
});

describe("isLoopback", () => {
  it.each(["127.0.0.1", "127.5.5.5", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"])("%s is loopback", (host) => {
    expect(isLoopback(host)).toBe(true);
  });
  it.each(["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "example.com", "localhost.example.com"])("%s is not", (host) => {
    expect(isLoopback(host)).toBe(false);
  });
});
