"use client";
import { useParams } from "next/navigation";

/** The tenant slug from the URL (`/t/<slug>/...`). Throws outside tenant pages. */
export function useTenantSlug(): string {
  const params = useParams<{ tenant?: string }>();
  const slug = params?.tenant;
  if (!slug) throw new Error("useTenantSlug() used outside /t/[tenant]");
  return decodeURIComponent(slug);
}

/** Builds a console path inside the current tenant: tenantPath(slug, "queues") → /t/<slug>/queues. */
export function tenantPath(slug: string, ...parts: string[]): string {
  return ["/t", encodeURIComponent(slug), ...parts.filter(Boolean)].join("/");
}
