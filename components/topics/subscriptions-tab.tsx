"use client";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Filter, Plus, Radio } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  LoadingBlock,
  MiddleTruncate,
  RelativeTime,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";
import { CreateSubscriptionDialog } from "./create-subscription-dialog";
import { SubscriptionDialog } from "./subscription-dialog";
import { SecretDialog } from "./secret-dialog";
import { SUB_STATUS_LABEL, SUB_STATUS_TONE, filterSummary, subStatus } from "./subscription-status";

export type TopicDetail = RouterOutputs["topic"]["get"];
export type Subscription = RouterOutputs["topic"]["subscriptions"][number];

const PROTOCOL_LABEL: Record<string, string> = {
  sqs: "SQS",
  http: "HTTP",
  https: "HTTPS",
  email: "Email",
  "email-json": "Email JSON",
};

export function SubscriptionsTab({
  tenant,
  topic,
  canWrite,
  onShowDeliveries,
}: {
  tenant: string;
  topic: TopicDetail;
  canWrite: boolean;
  onShowDeliveries: (subscriptionId: string) => void;
}) {
  const trpc = useTRPC();
  const subs = useQuery({
    ...trpc.topic.subscriptions.queryOptions({ tenant, topicId: topic.id }),
    refetchInterval: (q) =>
      (q.state.data as Subscription[] | undefined)?.some((s) => s.status === "pending") ? 3000 : 30_000,
  });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{
    value: string;
    title: string;
    previousExpiresAt?: Date | string | null;
  } | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const addButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Add subscription
    </Button>
  );
  return (
    <div className="space-y-4">
      {subs.isPending ? (
        <LoadingBlock />
      ) : subs.error ? (
        <Alert tone="danger" title="Could not load subscriptions">
          {subs.error.message}
        </Alert>
      ) : subs.data.length === 0 ? (
        <EmptyState
          icon={<Radio className="h-5 w-5" aria-hidden />}
          title="No subscriptions yet"
          description={
            canWrite
              ? `Messages published to ${topic.name} go nowhere until something subscribes: a queue, a webhook or an email address.`
              : `Nothing subscribes to ${topic.name} yet. A developer or admin of this team can add subscriptions.`
          }
          action={addButton}
        />
      ) : (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-gray-500">
              {subs.data.length} subscription{subs.data.length === 1 ? "" : "s"}. Open one for its settings, signing
              secret and deliveries.
            </p>
            {addButton}
          </div>
          <Table aria-label="Subscriptions">
            <THead>
              <tr>
                <Th className="hidden sm:table-cell">Protocol</Th>
                <Th>Endpoint</Th>
                <Th>Status</Th>
                <Th className="hidden md:table-cell">Filter policy</Th>
                <Th className="hidden lg:table-cell">Raw</Th>
                <Th className="hidden lg:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {subs.data.map((s) => {
                const st = subStatus(s);
                const summary = filterSummary(s.filterPolicy, s.filterPolicyScope);
                return (
                  <Tr
                    key={s.id}
                    className="cursor-pointer"
                    onClick={() => setOpenId(s.id)}
                    data-testid="subscription-row"
                    data-status={st}
                  >
                    <Td className="hidden sm:table-cell">
                      <Badge>{PROTOCOL_LABEL[s.protocol] ?? s.protocol}</Badge>
                    </Td>
                    <Td className="max-w-[12rem] sm:max-w-sm">
                      <span className="mb-1 block sm:hidden">
                        <Badge>{PROTOCOL_LABEL[s.protocol] ?? s.protocol}</Badge>
                      </span>
                      <button
                        type="button"
                        className="block max-w-full text-left font-mono text-xs text-accent-700 hover:underline"
                        onClick={(e) => (e.stopPropagation(), setOpenId(s.id))}
                      >
                        <MiddleTruncate value={s.endpoint} />
                      </button>
                    </Td>
                    <Td>
                      <Badge tone={SUB_STATUS_TONE[st]} dot>
                        <span className="sm:hidden">{st === "pending" ? "Pending" : SUB_STATUS_LABEL[st]}</span>
                        <span className="hidden sm:inline">{SUB_STATUS_LABEL[st]}</span>
                      </Badge>
                    </Td>
                    <Td className="hidden max-w-xs md:table-cell">
                      {summary ? (
                        <span
                          className="flex items-center gap-1.5 truncate text-xs text-gray-700"
                          title={s.filterPolicy ?? ""}
                        >
                          <Filter className="h-3.5 w-3.5 shrink-0 text-gray-400" aria-hidden />
                          {summary}
                        </span>
                      ) : (
                        <span className="text-xs text-gray-400">Every message</span>
                      )}
                    </Td>
                    <Td className="hidden lg:table-cell">{s.rawMessageDelivery ? "Yes" : "No"}</Td>
                    <Td className="hidden lg:table-cell">
                      <RelativeTime date={s.createdAt} />
                    </Td>
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        </>
      )}
      {canWrite && (
        <CreateSubscriptionDialog
          open={creating}
          onClose={() => setCreating(false)}
          tenant={tenant}
          topic={topic}
          onCreated={(r) => {
            setCreating(false);
            if (r.signingSecret)
              setSecret({ value: r.signingSecret, title: "Subscription created: its signing secret" });
          }}
        />
      )}
      <SubscriptionDialog
        tenant={tenant}
        subscriptionId={openId}
        onClose={() => setOpenId(null)}
        canWrite={canWrite}
        onSecret={(value, previousExpiresAt) => setSecret({ value, title: "New signing secret", previousExpiresAt })}
        onShowDeliveries={(id) => {
          setOpenId(null);
          onShowDeliveries(id);
        }}
      />
      <SecretDialog
        secret={secret?.value ?? null}
        title={secret?.title ?? ""}
        previousExpiresAt={secret?.previousExpiresAt}
        onClose={() => setSecret(null)}
      />
    </div>
  );
}
