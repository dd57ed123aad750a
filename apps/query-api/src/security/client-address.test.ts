import { clientAddressKey, trustProxySetting } from "./client-address";

describe("clientAddressKey", () => {
  it("keeps IPv4 addresses and folds IPv4-mapped IPv6 to IPv4", () => {
    expect(clientAddressKey("203.0.113.7")).toBe("203.0.113.7");
    expect(clientAddressKey("::ffff:127.0.0.1")).toBe("127.0.0.1");
  });

  it("limits IPv6 clients per /64, however they write the address", () => {
    const a = clientAddressKey("2001:db8:1:2::1");
    expect(a).toBe("2001:db8:1:2::/64");
    expect(clientAddressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff")).toBe(a);
    expect(clientAddressKey("2001:db8:1:3::1")).not.toBe(a);
  });

  it("falls back to the text for what is not an address", () => {
    expect(clientAddressKey(undefined)).toBe("unknown");
    expect(clientAddressKey("not-an-ip")).toBe("not-an-ip");
  });
});

describe("trustProxySetting", () => {
  it("trusts no proxy when none is configured, else exactly those listed", () => {
    expect(trustProxySetting([])).toBe(false);
    expect(trustProxySetting(["loopback", "10.0.0.0/8"])).toEqual(["loopback", "10.0.0.0/8"]);
  });
});
