"use client";
import { useMemo, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Megaphone, Plus, Search } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  Input,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Sparkline,
  Table,
  TableEmptyRow,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { CreateTopicDialog } from "./create-topic-dialog";

export function TopicsView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState("");
  const topics = useQuery(trpc.topic.list.queryOptions({ tenant: tenant.slug }));
  const activity = useQuery({ ...trpc.topic.activity.queryOptions({ tenant: tenant.slug }), refetchInterval: 60_000 });
  const activityOf = useMemo(() => new Map((activity.data ?? []).map((a) => [a.topicId, a])), [activity.data]);
  const rows = (topics.data ?? []).filter(
    (t) =>
      !search ||
      t.name.toLowerCase().includes(search.toLowerCase()) ||
      (t.displayName ?? "").toLowerCase().includes(search.toLowerCase()),
  );
  const href = (name: string) => tenantPath(tenant.slug, "topics", encodeURIComponent(name));

  const createButton = write && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create topic
    </Button>
  );

  return (
    <div>
      <PageHeader
        title="Topics"
        description="Publish a message once and every subscriber gets it: queues, HTTP(S) webhooks and email. Works with the AWS SNS SDKs and CLI."
        actions={topics.data && topics.data.length > 0 ? createButton : undefined}
      />
      {topics.isPending ? (
        <LoadingBlock />
      ) : topics.error ? (
        <Alert tone="danger" title="Could not load topics">
          {topics.error.message}
        </Alert>
      ) : topics.data.length === 0 ? (
        <EmptyState
          icon={<Megaphone className="h-5 w-5" aria-hidden />}
          title="No topics yet"
          description={
            write
              ? "A topic fans each published message out to its subscriptions. Create one, subscribe a queue or a webhook, and publish from here or from the AWS SDK."
              : "A topic fans each published message out to its subscriptions. A developer or admin of this team can create one."
          }
          action={createButton}
        />
      ) : (
        <div className="space-y-3">
          {topics.data.length > 5 && (
            <div className="relative max-w-xs">
              <Search className="pointer-events-none absolute top-2.5 left-3 h-4 w-4 text-gray-400" aria-hidden />
              <Input
                className="pl-9"
                placeholder="Filter topics"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
                aria-label="Filter topics"
              />
            </div>
          )}
          <Table aria-label="Topics">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th className="hidden sm:table-cell">Type</Th>
                <Th>Subscriptions</Th>
                <Th>Published, last 24 h</Th>
                <Th className="hidden lg:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {rows.length === 0 ? (
                <TableEmptyRow colSpan={5}>No topic matches “{search}”.</TableEmptyRow>
              ) : (
                rows.map((t) => (
                  <Tr
                    key={t.id}
                    className="cursor-pointer"
                    onClick={() => router.push(href(t.name))}
                    data-testid="topic-row"
                  >
                    <Td className="max-w-[12rem] sm:max-w-md">
                      <Link
                        href={href(t.name)}
                        className="block truncate font-medium text-accent-700 hover:underline"
                        onClick={(e) => e.stopPropagation()}
                      >
                        {t.name}
                      </Link>
                      {t.displayName && <div className="truncate text-xs text-gray-500">{t.displayName}</div>}
                      <div className="mt-1 sm:hidden">
                        <Badge tone={t.fifo ? "accent" : "neutral"}>{t.fifo ? "FIFO" : "Standard"}</Badge>
                      </div>
                    </Td>
                    <Td className="hidden sm:table-cell">
                      <Badge tone={t.fifo ? "accent" : "neutral"}>{t.fifo ? "FIFO" : "Standard"}</Badge>
                    </Td>
                    <Td>
                      <div className="flex flex-wrap gap-1.5">
                        <Badge tone={t.subscriptions.confirmed ? "success" : "neutral"}>
                          {t.subscriptions.confirmed} confirmed
                        </Badge>
                        {t.subscriptions.pending > 0 && <Badge tone="warning">{t.subscriptions.pending} pending</Badge>}
                        {t.subscriptions.disabled > 0 && (
                          <Badge tone="danger">{t.subscriptions.disabled} disabled</Badge>
                        )}
                      </div>
                    </Td>
                    <Td data-testid="publish-activity">
                      <PublishActivity a={activityOf.get(t.id)} />
                    </Td>
                    <Td className="hidden lg:table-cell">
                      <RelativeTime date={t.createdAt} />
                    </Td>
                  </Tr>
                ))
              )}
            </TBody>
          </Table>
          {!write && (
            <p className="text-xs text-gray-500">
              Your role ({role}) can see topics and their deliveries but not change them.
            </p>
          )}
        </div>
      )}
      {write && (
        <CreateTopicDialog
          open={creating}
          onClose={() => setCreating(false)}
          tenant={tenant.slug}
          onCreated={(t) => (setCreating(false), router.push(href(t.name)))}
        />
      )}
    </div>
  );
}

type Activity = { publishedPerHour: number[]; published24h: number; lastPublishedAt: Date | string | null };

/** Messages published per hour over the last day, the total and the last publish. */
function PublishActivity({ a }: { a: Activity | undefined }) {
  if (!a) return null;
  return (
    <div className="flex items-center gap-2">
      <Sparkline
        className="hidden sm:block"
        values={a.publishedPerHour}
        label={`${a.published24h.toLocaleString()} messages published in the last 24 hours, per hour`}
      />
      <div className="text-xs leading-tight whitespace-nowrap">
        <div className="tabular-nums text-gray-900">{a.published24h.toLocaleString()} published</div>
        <div className="text-gray-500">
          {a.lastPublishedAt ? (
            <>
              last <RelativeTime date={a.lastPublishedAt} />
            </>
          ) : (
            "never"
          )}
        </div>
      </div>
    </div>
  );
}
