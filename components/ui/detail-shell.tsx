"use client";
import { useState, type ReactNode } from "react";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { Alert } from "./alert";
import { buttonClasses } from "./button";
import { CopyButton } from "./copy-button";
import { EmptyState } from "./empty-state";
import { LoadingBlock } from "./spinner";
import { Tabs, type TabItem } from "./tabs";

export type DetailBack = { href: string; label: string };

function BackLink({ href, label }: DetailBack) {
  return (
    <Link href={href} className="mb-3 inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-800">
      <ArrowLeft className="h-4 w-4" aria-hidden />
      {label}
    </Link>
  );
}

/**
 * A resource page before its resource is there: the back link, then a spinner while loading, an
 * empty state for a resource that does not exist (`notFound`: NOT_FOUND from tRPC), or the error.
 */
export function DetailStatus({
  back,
  error,
  notFound,
  errorTitle,
}: {
  back: DetailBack;
  error: { message: string; data?: { code?: string } | null } | null;
  notFound: { icon: ReactNode; title: string; allLabel: string };
  errorTitle: string;
}) {
  return (
    <div>
      <BackLink {...back} />
      {!error ? (
        <LoadingBlock />
      ) : error.data?.code === "NOT_FOUND" ? (
        <EmptyState
          icon={notFound.icon}
          title={notFound.title}
          description="It may have been deleted, or the link has a typo."
          action={
            <Link href={back.href} className={buttonClasses("secondary")}>
              {notFound.allLabel}
            </Link>
          }
        />
      ) : (
        <Alert tone="danger" title={errorTitle}>
          {error.message}
        </Alert>
      )}
    </div>
  );
}

/**
 * One resource's page: back link, header (name, badges, description, ARN with copy, more lines,
 * actions on the right), then its tabs; `children` (dialogs) after them.
 */
export function DetailShell({
  back,
  title,
  badges,
  description,
  arn,
  arnTestId,
  below,
  actions,
  tabs,
  children,
}: {
  back: DetailBack;
  title: string;
  badges?: ReactNode;
  description?: ReactNode;
  arn: string;
  arnTestId: string;
  /** Lines under the ARN (counts, status). */
  below?: ReactNode;
  actions?: ReactNode;
  tabs: { value: string; onChange: (id: string) => void; items: TabItem[] };
  children?: ReactNode;
}) {
  return (
    <div>
      <BackLink {...back} />
      <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 basis-full sm:basis-0 sm:flex-1">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="min-w-0 text-2xl font-semibold tracking-tight break-all text-gray-900">{title}</h1>
            {badges}
          </div>
          {description && <p className="mt-1 text-sm text-gray-500">{description}</p>}
          <div className="mt-3 flex max-w-full flex-wrap items-center gap-2">
            <code
              className="max-w-full min-w-0 rounded-md border border-gray-200 bg-gray-50 px-2.5 py-1.5 font-mono text-xs break-all text-gray-800 select-all sm:truncate"
              title={arn}
              data-testid={arnTestId}
            >
              {arn}
            </code>
            <CopyButton value={arn} label="Copy ARN" />
          </div>
          {below}
        </div>
        {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
      </div>
      <Tabs value={tabs.value} onChange={tabs.onChange} items={tabs.items} />
      {children}
    </div>
  );
}

/**
 * The selected tab of a resource page, kept in the URL's `?tab=` (replaced, not pushed). `clear`
 * names query parameters that belong to the tab being left (e.g. a selected event).
 */
export function useTabParam<T extends string>(
  tabs: readonly T[],
  initial: string | undefined,
  clear?: (tab: T) => string[],
): [T, (id: string) => void] {
  const [tab, setTab] = useState<T>(tabs.includes(initial as T) ? (initial as T) : tabs[0]!);
  const switchTab = (id: string) => {
    setTab(id as T);
    const url = new URL(window.location.href);
    url.searchParams.set("tab", id);
    for (const p of clear?.(id as T) ?? []) url.searchParams.delete(p);
    window.history.replaceState(null, "", url.toString());
  };
  return [tab, switchTab];
}
