"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Globe, Plus } from "lucide-react";
import {
  Alert,
  Button,
  EmptyState,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  SegmentedControl,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { CreateApiDialog } from "./create-api-dialog";
import { KeysView } from "./keys-view";
import { PlansView } from "./plans-view";
import { ChooseApiKindDialog, CreateHttpApiDialog, CreateWsApiDialog } from "./v2/create-v2-dialogs";
import { ProtocolBadge, anyApiHref, type Protocol } from "./v2/shared";

type View = "apis" | "keys" | "plans";
const VIEWS: View[] = ["apis", "keys", "plans"];

/** /t/<slug>/apis: the team's REST APIs, (?view=keys) API keys, (?view=plans) usage plans. */
export function ApiListView({ initialView = "apis" }: { initialView?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const [creating, setCreating] = useState<Protocol | "choose" | null>(null);
  const [view, setView] = useState<View>(VIEWS.includes(initialView as View) ? (initialView as View) : "apis");
  const switchView = (v: View) => {
    setView(v);
    const url = new URL(window.location.href);
    if (v !== "apis") url.searchParams.set("view", v);
    else url.searchParams.delete("view");
    window.history.replaceState(null, "", url.toString());
  };
  const restApis = useQuery(trpc.apis.list.queryOptions({ tenant: tenant.slug }));
  const v2Apis = useQuery(trpc.apis.v2.list.queryOptions({ tenant: tenant.slug }));
  // REST, HTTP and WebSocket APIs together, newest first.
  const apis = {
    isPending: restApis.isPending || v2Apis.isPending,
    error: restApis.error ?? v2Apis.error,
    data: [
      ...(restApis.data ?? []).map((a) => ({
        ...a,
        protocol: "REST" as Protocol,
        endpoint: typeof window === "undefined" ? `/gw/${a.id}` : `${window.location.origin}/gw/${a.id}`,
      })),
      ...(v2Apis.data ?? []).map((a) => ({ ...a, protocol: a.protocol as Protocol })),
    ].sort((a, b) => b.createdDate - a.createdDate),
  };
  const created = (p: Protocol) => (id: string) => (setCreating(null), router.push(anyApiHref(tenant.slug, p, id)));
  const createButton = write && (
    <Button onClick={() => setCreating("choose")}>
      <Plus className="h-4 w-4" aria-hidden />
      Create API
    </Button>
  );
  return (
    <div>
      <PageHeader
        title="APIs"
        description="REST, HTTP and WebSocket APIs in front of your queues, topics, event buses, workflows, functions and HTTP services, with stages, authorizers, API keys and usage plans. Compatible with API Gateway (v1 and v2) and its SDKs."
        actions={view === "apis" ? createButton : undefined}
      />
      <div className="mb-4">
        <SegmentedControl<View>
          label="Show"
          options={[
            { value: "apis", label: "APIs" },
            { value: "keys", label: "API keys" },
            { value: "plans", label: "Usage plans" },
          ]}
          value={view}
          onChange={switchView}
        />
      </div>
      {view === "keys" ? (
        <KeysView tenant={tenant.slug} canWrite={write} />
      ) : view === "plans" ? (
        <PlansView tenant={tenant.slug} canWrite={write} />
      ) : apis.isPending ? (
        <LoadingBlock />
      ) : apis.error ? (
        <Alert tone="danger" title="Could not load APIs">
          {apis.error.message}
        </Alert>
      ) : apis.data.length === 0 ? (
        <EmptyState
          icon={<Globe className="h-5 w-5" aria-hidden />}
          title="No APIs yet"
          description="Create an API from scratch or import an OpenAPI 3 definition, add resources and methods, then deploy it to a stage to get its invoke URL."
          action={createButton}
        />
      ) : (
        <div className="space-y-3">
          <Table aria-label="APIs">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Protocol</Th>
                <Th className="hidden lg:table-cell">Endpoint</Th>
                <Th className="hidden sm:table-cell">ID</Th>
                <Th className="hidden md:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {apis.data.map((a) => (
                <Tr
                  key={a.id}
                  className="cursor-pointer"
                  onClick={() => router.push(anyApiHref(tenant.slug, a.protocol, a.id))}
                  data-testid={`api-row-${a.name}`}
                >
                  <Td className="max-w-[14rem] sm:max-w-md">
                    <Link
                      href={anyApiHref(tenant.slug, a.protocol, a.id)}
                      className="truncate font-medium text-accent-700 hover:underline"
                      onClick={(e) => e.stopPropagation()}
                    >
                      {a.name}
                    </Link>
                    {a.description && <div className="truncate text-xs text-gray-500">{a.description}</div>}
                  </Td>
                  <Td>
                    <ProtocolBadge protocol={a.protocol} />
                  </Td>
                  <Td className="hidden max-w-xs truncate font-mono text-xs text-gray-600 lg:table-cell">
                    {a.endpoint}
                  </Td>
                  <Td className="hidden font-mono text-xs text-gray-600 sm:table-cell">{a.id}</Td>
                  <Td className="hidden md:table-cell">
                    <RelativeTime date={new Date(a.createdDate * 1000)} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {!write && <p className="text-xs text-gray-500">Your role ({role}) can see APIs but not change them.</p>}
        </div>
      )}
      {write && (
        <>
          <ChooseApiKindDialog
            open={creating === "choose"}
            onClose={() => setCreating(null)}
            onChoose={(p) => setCreating(p)}
          />
          <CreateApiDialog
            open={creating === "REST"}
            onClose={() => setCreating(null)}
            tenant={tenant.slug}
            onCreated={created("REST")}
          />
          <CreateHttpApiDialog
            open={creating === "HTTP"}
            onClose={() => setCreating(null)}
            tenant={tenant.slug}
            onCreated={created("HTTP")}
          />
          <CreateWsApiDialog
            open={creating === "WEBSOCKET"}
            onClose={() => setCreating(null)}
            tenant={tenant.slug}
            onCreated={created("WEBSOCKET")}
          />
        </>
      )}
    </div>
  );
}
