"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { ChevronLeft, SearchX, Send } from "lucide-react";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CopyField,
  EmptyState,
  LoadingBlock,
  PageHeader,
  Tabs,
  buttonClasses,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { DlqBadge, QueueTypeBadge } from "./queue-badges";
import { formatAge } from "./format";
import { OverviewTab } from "./overview-tab";
import { SendReceiveTab } from "./send-receive-tab";
import { BrowseTab } from "./browse-tab";
import { MonitoringTab } from "./monitoring-tab";
import { DeadLetterTab } from "./dead-letter-tab";
import { CodeTab } from "./code-tab";
import { LIVE_REFETCH_MS } from "./queue-list-view";
import type { ReceivedMessage } from "./types";

const TAB_IDS = ["overview", "send", "browse", "monitoring", "dead-letter", "code"] as const;
type TabId = (typeof TAB_IDS)[number];

/** The page's own origin, known only in the browser (the server does not know how it is reached). */
function useOrigin(): string {
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  return origin;
}

function Stat({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <div className="rounded-lg border border-gray-200 bg-white px-3 py-2 sm:px-4 sm:py-3" title={hint}>
      <dt className="text-xs font-medium text-gray-500">{label}</dt>
      <dd className="mt-0.5 text-lg font-semibold text-gray-900 tabular-nums sm:mt-1 sm:text-xl">{value}</dd>
    </div>
  );
}

export function QueueDetailView({ name }: { name: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const origin = useOrigin();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const [received, setReceived] = useState<ReceivedMessage[]>([]);
  const tabsRef = useRef<HTMLDivElement>(null);
  const q = useQuery({
    ...trpc.queue.get.queryOptions({ tenant: tenant.slug, name }),
    refetchInterval: LIVE_REFETCH_MS,
  });
  const fromUrl = params.get("tab");
  const tab: TabId = TAB_IDS.includes(fromUrl as TabId) ? (fromUrl as TabId) : "overview";
  const setTab = (id: string) => {
    const next = new URLSearchParams(params.toString());
    if (id === "overview") next.delete("tab");
    else next.set("tab", id);
    const s = next.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  };
  // On a phone the tab row scrolls sideways: keep the selected tab in view (e.g. opened by ?tab=code).
  useEffect(() => {
    const el = tabsRef.current?.querySelector<HTMLElement>("[role=tab][aria-selected=true]");
    const row = el?.parentElement;
    if (el && row && row.scrollWidth > row.clientWidth)
      row.scrollLeft +=
        el.getBoundingClientRect().left - row.getBoundingClientRect().left - (row.clientWidth - el.clientWidth) / 2;
  }, [tab, q.isSuccess]);
  const back = (
    <Link
      href={tenantPath(tenant.slug, "queues")}
      className="inline-flex items-center gap-1 text-gray-500 normal-case hover:text-gray-800"
    >
      <ChevronLeft className="h-3.5 w-3.5" aria-hidden />
      Queues
    </Link>
  );

  if (q.isPending) return <LoadingBlock label="Loading queue…" />;
  if (q.error) {
    const missing = /does not exist|not found/i.test(q.error.message);
    return (
      <div>
        <PageHeader eyebrow={back} title={name} />
        {missing ? (
          <EmptyState
            icon={<SearchX className="h-5 w-5" aria-hidden />}
            title="Queue not found"
            description={`This team has no queue named “${name}”. It may have been deleted.`}
            action={
              <Link href={tenantPath(tenant.slug, "queues")} className={buttonClasses("secondary")}>
                All queues
              </Link>
            }
          />
        ) : (
          <Alert tone="danger" title="Could not load the queue">
            {q.error.message}
          </Alert>
        )}
      </div>
    );
  }
  const queue = q.data;
  const url = origin ? `${origin}${queue.urlPath}` : queue.urlPath;
  const isDlq = queue.deadLetterSources.length > 0;
  const c = queue.counts;
  const items = [
    { id: "overview", label: "Overview", content: <OverviewTab tenant={tenant.slug} queue={queue} write={write} /> },
    ...(write
      ? [
          {
            id: "send",
            label: "Send & receive",
            content: <SendReceiveTab tenant={tenant.slug} queue={queue} receivedState={[received, setReceived]} />,
          },
        ]
      : []),
    { id: "browse", label: "Browse", content: <BrowseTab tenant={tenant.slug} name={queue.name} /> },
    { id: "monitoring", label: "Monitoring", content: <MonitoringTab tenant={tenant.slug} name={queue.name} /> },
    {
      id: "dead-letter",
      label: isDlq ? "Dead-letter & redrive" : "Dead-letter",
      content: <DeadLetterTab tenant={tenant.slug} queue={queue} write={write} />,
    },
    {
      id: "code",
      label: "Code",
      content: (
        <CodeTab
          tenant={tenant.slug}
          input={{
            origin: origin || "https://signalbox.example.com",
            region: tenant.region,
            queueUrl: url.startsWith("/") ? `https://signalbox.example.com${url}` : url,
            name: queue.name,
            fifo: queue.fifo,
          }}
        />
      ),
    },
  ];
  return (
    <div>
      <PageHeader
        eyebrow={back}
        title={
          <span className="flex flex-wrap items-center gap-2 break-all">
            {queue.name}
            <span className="flex gap-1.5">
              <QueueTypeBadge fifo={queue.fifo} />
              {isDlq && <DlqBadge />}
            </span>
          </span>
        }
        actions={
          write && tab !== "send" ? (
            <Button onClick={() => setTab("send")}>
              <Send className="h-4 w-4" aria-hidden />
              Send & receive
            </Button>
          ) : undefined
        }
      />
      <dl className="mb-4 grid grid-cols-2 gap-3 lg:grid-cols-4" aria-label="Messages now" aria-live="off">
        <Stat
          label="Available"
          value={c.visible.toLocaleString()}
          hint="ApproximateNumberOfMessages: ready to be received"
        />
        <Stat
          label="In flight"
          value={c.inFlight.toLocaleString()}
          hint="ApproximateNumberOfMessagesNotVisible: received, not yet deleted"
        />
        <Stat
          label="Delayed"
          value={c.delayed.toLocaleString()}
          hint="ApproximateNumberOfMessagesDelayed: not visible yet because of a delay"
        />
        <Stat
          label="Oldest message"
          value={formatAge(c.oldestMessageAgeSeconds)}
          hint="Age of the oldest message in the queue"
        />
      </dl>
      <Card className="mb-6">
        <CardBody className="grid gap-4 lg:grid-cols-2">
          {/* min-w-0: a grid item would otherwise grow to the full length of the ARN on phones. */}
          <div className="min-w-0">
            <CopyField label="ARN" value={queue.arn} />
          </div>
          <div className="min-w-0">
            <CopyField label="Queue URL" value={url} />
          </div>
        </CardBody>
      </Card>
      {!write && (
        <p className="mb-4 text-xs text-gray-500">
          Your role ({role}) can look at this queue and its messages but not send, receive, change or delete anything.
        </p>
      )}
      <div ref={tabsRef}>
        <Tabs items={items} value={tab} onChange={setTab} />
      </div>
    </div>
  );
}
