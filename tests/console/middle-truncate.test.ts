import { describe, expect, it } from "vitest";
import { nameTail } from "../../components/ui/middle-truncate";

describe("nameTail", () => {
  it.each([
    ["arn:aws:sns:us-east-1:123456789012:orders-events", ":orders-events"],
    ["https://hooks.example.com/webhooks/v2/orders", "/orders"],
    ["https://hooks.example.com/webhooks/v2/orders/", "/orders/"],
    ["https://hooks.example.com", "https://hooks.example.com"],
    ["ops@example.com", "ops@example.com"],
  ])("keeps the name of %s visible", (value, tail) => {
    const r = nameTail(value);
    expect(r.head + r.tail).toBe(value);
    expect(r.tail).toBe(tail);
  });

  it("keeps at most 48 characters at the end", () => {
    const r = nameTail(`https://x.test/${"a".repeat(100)}`);
    expect(r.tail.length).toBe(48);
    expect(r.head + r.tail).toBe(`https://x.test/${"a".repeat(100)}`);
  });
});
