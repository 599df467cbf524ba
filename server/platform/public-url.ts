import { env } from "../env";

// The base URL that links we hand out carry (SubscribeURL, UnsubscribeURL, SigningCertURL, queue
// URLs in the console). SIGNALBOX_PUBLIC_URL wins; without it, the origin a request came in on,
// else NEXTAUTH_URL, else localhost.

const trim = (u: string) => u.replace(/\/$/, "");

/** The operator's configured public URL, if any. */
export function configuredPublicUrl(): string | undefined {
  const u = env().SIGNALBOX_PUBLIC_URL;
  return u ? trim(u) : undefined;
}

export function publicUrl(requestOrigin?: string | null): string {
  const configured = configuredPublicUrl();
  if (configured) return configured;
  if (requestOrigin) return trim(requestOrigin);
  const e = env();
  return trim(e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`);
}

/**
 * What a job payload carries about where it was requested from: nothing when a public URL is
 * configured (the worker uses that), else the request origin, so links keep pointing at the
 * address the caller used (a worker cannot know it otherwise).
 */
export function originForJob(requestOrigin?: string | null): string | undefined {
  return configuredPublicUrl() ? undefined : (requestOrigin ?? undefined);
}
