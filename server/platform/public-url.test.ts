import { describe, expect, it } from "vitest";
import { configuredPublicUrl, originForJob, publicUrl } from "./public-url";

// env() is parsed once per process (each test file runs in its own): configure before first use.
process.env.SIGNALBOX_PUBLIC_URL = "https://signalbox.example.com/";

describe("public URL", () => {
  it("prefers the configured public URL over the request origin, and keeps the origin out of job payloads", () => {
    expect(configuredPublicUrl()).toBe("https://signalbox.example.com");
    expect(publicUrl("http://10.0.0.5:3000")).toBe("https://signalbox.example.com");
    expect(publicUrl()).toBe("https://signalbox.example.com");
    expect(originForJob("http://10.0.0.5:3000")).toBeUndefined();
  });
});
