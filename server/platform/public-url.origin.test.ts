import { describe, expect, it } from "vitest";
import { originForJob, publicUrl } from "./public-url";

delete process.env.SIGNALBOX_PUBLIC_URL;
delete process.env.NEXTAUTH_URL;
process.env.PORT = "4321";

describe("public URL without configuration", () => {
  it("falls back to the request origin (carried in job payloads), then to localhost", () => {
    expect(publicUrl("http://10.0.0.5:3000/")).toBe("http://10.0.0.5:3000");
    expect(originForJob("http://10.0.0.5:3000")).toBe("http://10.0.0.5:3000");
    expect(publicUrl(undefined)).toBe("http://localhost:4321");
  });
});
