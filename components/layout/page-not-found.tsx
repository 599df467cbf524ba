"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Compass } from "lucide-react";
import { buttonClasses, EmptyState } from "@/components/ui";
import { useCurrentTenant } from "./tenant-context";
import { NAV_GROUPS } from "./nav";

/** A console path no page serves: say so inside the console, with the way back to its sections. */
export function PageNotFound() {
  const tenant = useCurrentTenant();
  const path = usePathname();
  return (
    <div className="py-10" data-testid="page-not-found">
      <EmptyState
        icon={<Compass className="h-5 w-5" aria-hidden />}
        title="Page not found"
        description={
          <>
            Nothing lives at <code className="break-all font-mono text-xs text-gray-700">{path}</code> in {tenant.name}.
            The link may be old, or the page may have moved.
          </>
        }
        action={
          <div className="flex flex-wrap justify-center gap-2">
            <Link href={`/t/${tenant.slug}/queues`} className={buttonClasses("primary")}>
              Go to queues
            </Link>
            {NAV_GROUPS.flatMap((g) => g.items)
              .filter((i) => ["topics", "deliveries", "api-keys"].includes(i.segment))
              .map((i) => (
                <Link key={i.segment} href={`/t/${tenant.slug}/${i.segment}`} className={buttonClasses("secondary")}>
                  {i.label}
                </Link>
              ))}
          </div>
        }
      />
    </div>
  );
}
