/** Only same-site paths are followed after sign-in (no open redirects). */
export function safeCallback(raw: string | null | undefined, fallback = "/"): string {
  if (!raw) return fallback;
  try {
    const u = new URL(raw, "http://x");
    if (u.origin !== "http://x" && typeof window !== "undefined" && u.origin !== window.location.origin)
      return fallback;
    const path = u.pathname + u.search + u.hash;
    return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
  } catch {
    return fallback;
  }
}
