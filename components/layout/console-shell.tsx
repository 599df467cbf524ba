"use client";
import { useEffect, useState, type ReactNode } from "react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOutTo } from "@/components/auth/sign-out";
import { useMutation } from "@tanstack/react-query";
import { Check, ChevronsUpDown, LogOut, Menu as MenuIcon, MonitorSmartphone, Plus, X } from "lucide-react";
import { Badge, ConfirmDialog, cn } from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { NAV_GROUPS } from "./nav";
import { Menu, MenuDivider, MenuLabel, menuItemClass } from "./menu";
import { Logo } from "./logo";
import { CreateTeamDialog } from "./create-team-dialog";
import { TenantProvider, type CurrentTenant } from "./tenant-context";

export type ShellTeam = { slug: string; name: string; role: string };
export type ShellUser = { id: string; email: string; name: string | null };

function initials(s: string): string {
  const parts = s.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? "") + (parts[1]?.[0] ?? "")).toUpperCase() || "?";
}

function TeamSwitcher({
  tenant,
  teams,
  onCreate,
}: {
  tenant: CurrentTenant;
  teams: ShellTeam[];
  onCreate: () => void;
}) {
  return (
    <Menu
      label={`Team: ${tenant.name}. Switch team`}
      trigger={({ open }) => (
        <span
          className={cn(
            "flex items-center gap-3 rounded-lg border border-gray-200 bg-white px-2.5 py-2 shadow-xs hover:bg-gray-50",
            open && "ring-2 ring-accent-200",
          )}
        >
          <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-md bg-gray-900 text-xs font-semibold text-white">
            {initials(tenant.name)}
          </span>
          <span className="min-w-0 flex-1">
            <span className="block truncate text-sm font-semibold text-gray-900" data-testid="current-team">
              {tenant.name}
            </span>
            <span className="block truncate text-xs text-gray-500 capitalize" title={`Account ${tenant.accountId}`}>
              {tenant.role}
            </span>
          </span>
          <ChevronsUpDown className="h-4 w-4 shrink-0 text-gray-400" aria-hidden />
        </span>
      )}
      className="w-full"
    >
      {(close) => (
        <>
          <MenuLabel>Your teams</MenuLabel>
          <div className="max-h-72 overflow-y-auto">
            {teams.map((t) => (
              <Link
                key={t.slug}
                href={`/t/${t.slug}/queues`}
                onClick={close}
                className={menuItemClass}
                aria-current={t.slug === tenant.slug ? "page" : undefined}
              >
                <span className="flex h-6 w-6 shrink-0 items-center justify-center rounded bg-gray-100 text-[10px] font-semibold text-gray-700">
                  {initials(t.name)}
                </span>
                <span className="min-w-0 flex-1 truncate">{t.name}</span>
                {t.slug === tenant.slug ? (
                  <Check className="h-4 w-4 text-accent-600" aria-label="current" />
                ) : (
                  <span className="text-xs text-gray-400">{t.role}</span>
                )}
              </Link>
            ))}
          </div>
          <MenuDivider />
          <button
            type="button"
            className={menuItemClass}
            onClick={() => {
              close();
              onCreate();
            }}
          >
            <Plus className="h-4 w-4 text-gray-500" aria-hidden />
            Create team
          </button>
        </>
      )}
    </Menu>
  );
}

function UserMenu({ user, onSignOutEverywhere }: { user: ShellUser; onSignOutEverywhere: () => void }) {
  return (
    <Menu
      label="Account menu"
      placement="above"
      className="w-full"
      trigger={() => (
        <span className="flex items-center gap-3 rounded-lg px-2 py-2 hover:bg-gray-100">
          <span className="flex h-8 w-8 shrink-0 items-center justify-center rounded-full bg-accent-100 text-xs font-semibold text-accent-700">
            {initials(user.name || user.email)}
          </span>
          <span className="min-w-0 flex-1">
            {user.name && <span className="block truncate text-sm font-medium text-gray-900">{user.name}</span>}
            <span className="block truncate text-xs text-gray-500">{user.email}</span>
          </span>
          <ChevronsUpDown className="h-4 w-4 shrink-0 text-gray-400" aria-hidden />
        </span>
      )}
    >
      {(close) => (
        <>
          <button type="button" className={menuItemClass} onClick={() => void signOutTo("/signin")}>
            <LogOut className="h-4 w-4 text-gray-500" aria-hidden />
            Sign out
          </button>
          <button
            type="button"
            className={menuItemClass}
            onClick={() => {
              close();
              onSignOutEverywhere();
            }}
          >
            <MonitorSmartphone className="h-4 w-4 text-gray-500" aria-hidden />
            Sign out everywhere
          </button>
        </>
      )}
    </Menu>
  );
}

function SidebarNav({ slug, pathname }: { slug: string; pathname: string }) {
  return (
    <nav aria-label="Console" className="space-y-6">
      {NAV_GROUPS.map((g) => (
        <div key={g.label}>
          <div className="px-2 pb-1.5 text-xs font-medium tracking-wide text-gray-500 uppercase">{g.label}</div>
          <ul className="space-y-0.5">
            {g.items.map((item) => {
              const href = `/t/${slug}/${item.segment}`;
              const active = pathname === href || pathname.startsWith(href + "/");
              const Icon = item.icon;
              return (
                <li key={item.segment}>
                  <Link
                    href={href}
                    aria-current={active ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm font-medium",
                      active ? "bg-accent-50 text-accent-700" : "text-gray-700 hover:bg-gray-100 hover:text-gray-900",
                    )}
                  >
                    <Icon
                      className={cn("h-4 w-4 shrink-0", active ? "text-accent-600" : "text-gray-400")}
                      aria-hidden
                    />
                    {item.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}

/** Asks, then signs out every session of this user (this one last). Used by the user menu and Settings. */
export function SignOutEverywhereDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const everywhere = useMutation(
    trpc.account.signOutEverywhere.mutationOptions({ onSuccess: () => void signOutTo("/signin") }),
  );
  return (
    <ConfirmDialog
      open={open}
      onClose={onClose}
      onConfirm={() => everywhere.mutate()}
      loading={everywhere.isPending}
      title="Sign out everywhere?"
      confirmLabel="Sign out everywhere"
      error={everywhere.error?.message}
    >
      <p>This ends your sessions on every browser and device, including this one. API keys are not affected.</p>
    </ConfirmDialog>
  );
}

export function ConsoleShell({
  tenant,
  teams,
  user,
  children,
}: {
  tenant: CurrentTenant;
  teams: ShellTeam[];
  user: ShellUser;
  children: ReactNode;
}) {
  const pathname = usePathname() ?? "";
  const [drawer, setDrawer] = useState(false);
  const [creating, setCreating] = useState(false);
  const [confirmEverywhere, setConfirmEverywhere] = useState(false);

  useEffect(() => setDrawer(false), [pathname]);
  useEffect(() => {
    if (!drawer) return;
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setDrawer(false);
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [drawer]);

  const sidebar = (
    <div className="flex h-full flex-col gap-5 px-3 py-4">
      <div className="hidden px-2 lg:block">
        <Link href={`/t/${tenant.slug}/queues`} aria-label="Signalbox home">
          <Logo />
        </Link>
      </div>
      <TeamSwitcher tenant={tenant} teams={teams} onCreate={() => setCreating(true)} />
      <div className="min-h-0 flex-1 overflow-y-auto">
        <SidebarNav slug={tenant.slug} pathname={pathname} />
      </div>
      <div className="border-t border-gray-200 pt-3">
        <UserMenu user={user} onSignOutEverywhere={() => setConfirmEverywhere(true)} />
      </div>
    </div>
  );

  return (
    <TenantProvider tenant={tenant} user={user}>
      <div className="min-h-screen">
        <aside
          className="fixed inset-y-0 left-0 z-30 hidden w-64 border-r border-gray-200 bg-white lg:block"
          data-testid="sidebar"
        >
          {sidebar}
        </aside>

        <header className="sticky top-0 z-30 flex h-14 items-center justify-between gap-3 border-b border-gray-200 bg-white/95 px-4 backdrop-blur lg:hidden">
          <Link
            href={`/t/${tenant.slug}/queues`}
            aria-label="Signalbox home"
            className="flex min-w-0 items-center gap-2"
          >
            <Logo withWord={false} />
            <span className="truncate text-sm font-semibold text-gray-900">{tenant.name}</span>
            <Badge>{tenant.role}</Badge>
          </Link>
          <button
            type="button"
            onClick={() => setDrawer(true)}
            className="-mr-1 rounded-md p-2 text-gray-600 hover:bg-gray-100"
            aria-label="Open menu"
            aria-expanded={drawer}
            aria-controls="mobile-nav"
          >
            <MenuIcon className="h-5 w-5" aria-hidden />
          </button>
        </header>

        {drawer && (
          <div
            className="fixed inset-0 z-40 lg:hidden"
            role="dialog"
            aria-modal="true"
            aria-label="Menu"
            id="mobile-nav"
          >
            <div className="absolute inset-0 bg-gray-900/40" onClick={() => setDrawer(false)} aria-hidden />
            <div className="absolute inset-y-0 right-0 flex w-[85%] max-w-xs flex-col bg-white shadow-xl">
              <div className="flex h-14 items-center justify-between border-b border-gray-200 px-4">
                <Logo />
                <button
                  type="button"
                  onClick={() => setDrawer(false)}
                  className="-mr-1 rounded-md p-2 text-gray-600 hover:bg-gray-100"
                  aria-label="Close menu"
                  autoFocus
                >
                  <X className="h-5 w-5" aria-hidden />
                </button>
              </div>
              <div className="min-h-0 flex-1">{sidebar}</div>
            </div>
          </div>
        )}

        <main className="lg:pl-64">
          <div className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 lg:px-10 lg:py-10">{children}</div>
        </main>
      </div>
      <CreateTeamDialog open={creating} onClose={() => setCreating(false)} />
      <SignOutEverywhereDialog open={confirmEverywhere} onClose={() => setConfirmEverywhere(false)} />
    </TenantProvider>
  );
}
