import type { ReactNode } from "react";
import { notFound, redirect } from "next/navigation";
import { currentUserId } from "@/server/auth/options";
import { resolveTenantScope, type TenantScope } from "@/server/domains/tenants/tenant-access";
import { describeTenant, listMyTenants } from "@/server/domains/tenants/tenant.service";
import { getUserById } from "@/server/domains/users/user.service";
import { ConsoleShell } from "@/components/layout/console-shell";

// Every console page: the session is checked here (proxy.ts only checks that a token exists;
// this also catches "signed out everywhere"), then membership of the tenant in the URL.
export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenant: string }>;
}) {
  const { tenant: slug } = await params;
  const userId = await currentUserId();
  if (!userId) redirect(`/signin?callbackUrl=${encodeURIComponent(`/t/${slug}`)}`);
  const user = await getUserById(userId);
  if (!user) redirect("/signin");
  let scope: TenantScope;
  try {
    scope = await resolveTenantScope(userId, decodeURIComponent(slug));
  } catch {
    notFound();
  }
  const teams = await listMyTenants(userId);
  const tenant = describeTenant(scope);
  return (
    <ConsoleShell
      tenant={{ ...tenant, permissions: [...tenant.permissions] }}
      teams={teams.map((t) => ({ slug: t.slug, name: t.name, role: t.role }))}
      user={{ id: user.id, email: user.email, name: user.name }}
    >
      {children}
    </ConsoleShell>
  );
}
