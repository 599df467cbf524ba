"use client";
import { createContext, useContext, type ReactNode } from "react";
import type { Permission, Role } from "@/server/auth/permissions";

// The tenant the console is showing, as resolved by the server layout (membership checked there).
export type CurrentTenant = {
  id: string;
  slug: string;
  name: string;
  accountId: string;
  region: string;
  arnPrefix: string;
  role: Role;
  permissions: readonly Permission[];
};

export type CurrentUser = { id: string; email: string; name: string | null };

const Ctx = createContext<CurrentTenant | null>(null);
const UserCtx = createContext<CurrentUser | null>(null);

export function TenantProvider({
  tenant,
  user,
  children,
}: {
  tenant: CurrentTenant;
  user: CurrentUser;
  children: ReactNode;
}) {
  return (
    <Ctx.Provider value={tenant}>
      <UserCtx.Provider value={user}>{children}</UserCtx.Provider>
    </Ctx.Provider>
  );
}

/** The signed-in person (inside the console layout). */
export function useCurrentUser(): CurrentUser {
  const u = useContext(UserCtx);
  if (!u) throw new Error("useCurrentUser() used outside the console layout");
  return u;
}

/** The current tenant (inside /t/[tenant]). */
export function useCurrentTenant(): CurrentTenant {
  const t = useContext(Ctx);
  if (!t) throw new Error("useCurrentTenant() used outside the console layout");
  return t;
}
