"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { Plus, Workflow } from "lucide-react";
import {
  Alert,
  Badge,
  EmptyState,
  LoadingBlock,
  MiddleTruncate,
  PageHeader,
  RelativeTime,
  SegmentedControl,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  buttonClasses,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { ExecutionsTable } from "./executions-table";
import { ExecutionStatusBadge, workflowsPath } from "./status";

/** /t/<slug>/workflows: the team's state machines, and (?view=executions) every recent execution. */
export function MachinesView({ initialView }: { initialView?: string }) {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can, role } = usePermissions();
  const write = can("resource:write");
  const [view, setView] = useState<"machines" | "executions">(initialView === "executions" ? "executions" : "machines");
  const switchView = (v: "machines" | "executions") => {
    setView(v);
    const url = new URL(window.location.href);
    if (v === "executions") url.searchParams.set("view", v);
    else url.searchParams.delete("view");
    window.history.replaceState(null, "", url.toString());
  };
  const machines = useQuery(trpc.workflows.machines.queryOptions({ tenant: tenant.slug }));
  const href = (name: string) => tenantPath(tenant.slug, workflowsPath.machine(name));
  const createButton = write && (
    <Link href={tenantPath(tenant.slug, "workflows", "new")} className={buttonClasses("primary")}>
      <Plus className="h-4 w-4" aria-hidden />
      Create state machine
    </Link>
  );
  return (
    <div>
      <PageHeader
        title="Workflows"
        description="State machines in Amazon States Language: each step runs durably on the Signalbox workers, with retries, waits, branches and human approvals. Works with the AWS Step Functions SDKs and CLI."
        actions={createButton}
      />
      <div className="mb-4">
        <SegmentedControl<"machines" | "executions">
          label="Show"
          options={[
            { value: "machines", label: "State machines" },
            { value: "executions", label: "Executions" },
          ]}
          value={view}
          onChange={switchView}
        />
      </div>
      {view === "executions" ? (
        <ExecutionsTable tenant={tenant.slug} />
      ) : machines.isPending ? (
        <LoadingBlock />
      ) : machines.error ? (
        <Alert tone="danger" title="Could not load state machines">
          {machines.error.message}
        </Alert>
      ) : machines.data.length === 0 ? (
        <EmptyState
          icon={<Workflow className="h-5 w-5" aria-hidden />}
          title="No state machines yet"
          description="A state machine is a workflow of steps — tasks, choices, waits, parallel branches and maps — written in Amazon States Language. Draw one in the editor, then start executions from here or from code."
          action={createButton}
        />
      ) : (
        <div className="space-y-3">
          <Table aria-label="State machines">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th className="hidden xl:table-cell">ARN</Th>
                <Th className="hidden md:table-cell">Versions · aliases</Th>
                <Th className="hidden sm:table-cell">Latest execution</Th>
                <Th className="hidden lg:table-cell">Created</Th>
              </tr>
            </THead>
            <TBody>
              {machines.data.map((m) => (
                <Tr
                  key={m.arn}
                  className="cursor-pointer"
                  onClick={() => router.push(href(m.name))}
                  data-testid={`machine-row-${m.name}`}
                >
                  <Td className="max-w-[14rem] sm:max-w-md">
                    <Link
                      href={href(m.name)}
                      title={m.name}
                      className="block truncate font-medium text-accent-700 hover:underline"
                      onClick={(e) => e.stopPropagation()}
                    >
                      {m.name}
                    </Link>
                  </Td>
                  <Td>
                    <Badge tone={m.type === "EXPRESS" ? "info" : "neutral"}>
                      {m.type === "EXPRESS" ? "Express" : "Standard"}
                    </Badge>
                  </Td>
                  <Td className="hidden max-w-xs font-mono text-xs text-gray-600 xl:table-cell">
                    <MiddleTruncate value={m.arn} />
                  </Td>
                  <Td className="hidden tabular-nums text-gray-700 md:table-cell" data-testid="machine-counts">
                    {m.versionCount} · {m.aliasCount}
                  </Td>
                  <Td className="hidden sm:table-cell" data-testid="machine-latest">
                    {m.lastExecution ? (
                      <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
                        <ExecutionStatusBadge status={m.lastExecution.status} />
                        <span className="text-xs text-gray-500">
                          <RelativeTime date={m.lastExecution.startDate} />
                        </span>
                      </div>
                    ) : (
                      <span className="text-sm text-gray-400">None yet</span>
                    )}
                  </Td>
                  <Td className="hidden lg:table-cell">
                    <RelativeTime date={m.createdAt} />
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
          {!write && (
            <p className="text-xs text-gray-500">
              Your role ({role}) can see state machines and executions but not change or start them.
            </p>
          )}
        </div>
      )}
    </div>
  );
}
