"use client";
import { useQuery } from "@tanstack/react-query";
import { can as canRole, type Permission, type Role } from "@/server/auth/permissions";
import { useTRPC } from "@/lib/trpc";
import { useCurrentTenant } from "./tenant-context";

/**
 * The signed-in user's role in the current tenant and `can(permission)` from the one role table
 * (server/auth/permissions.ts). Only for hiding controls: the services check again.
 * Starts from the role the layout resolved and follows `tenant.get` (e.g. after a role change).
 */
export function usePermissions(): { role: Role; can: (p: Permission) => boolean } {
  const current = useCurrentTenant();
  const trpc = useTRPC();
  const q = useQuery({
    ...trpc.tenant.get.queryOptions({ tenant: current.slug }),
    initialData: current as never,
    staleTime: 30_000,
  });
  const role = (q.data as { role?: Role } | undefined)?.role ?? current.role;
  return { role, can: (p: Permission) => canRole(role, p) };
}
