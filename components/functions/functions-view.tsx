"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import { FunctionSquare, Plus } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  EmptyState,
  LoadingBlock,
  PageHeader,
  RelativeTime,
  Table,
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
import { CreateFunctionDialog } from "./create-function-dialog";
import { FunctionSecretDialog } from "./function-secret-dialog";

export function FunctionsView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const router = useRouter();
  const { can } = usePermissions();
  const write = can("resource:write");
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ secret: string; name: string } | null>(null);
  const list = useQuery(trpc.function.list.queryOptions({ tenant: tenant.slug }));
  const href = (name: string) => tenantPath(tenant.slug, "functions", encodeURIComponent(name));
  const createButton = write && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create function
    </Button>
  );
  const fns = list.data?.functions ?? [];
  return (
    <div>
      <PageHeader
        title="Functions"
        description="Your own HTTPS services under Lambda ARNs: targets for rules and schedules, and invocable with the AWS Lambda SDKs and CLI."
        actions={fns.length > 0 ? createButton : undefined}
      />
      {list.isPending ? (
        <LoadingBlock />
      ) : list.error ? (
        <Alert tone="danger" title="Could not load functions">
          {list.error.message}
        </Alert>
      ) : fns.length === 0 ? (
        <EmptyState
          icon={<FunctionSquare className="h-5 w-5" aria-hidden />}
          title="No functions yet"
          description={
            write
              ? "Register the URL of a service that runs your code (an existing Lambda handler behind ten lines of adapter works). Signalbox signs every invocation."
              : "A function is a service Signalbox invokes like Lambda. A developer or admin of this team can register one."
          }
          action={createButton}
        />
      ) : (
        <Table aria-label="Functions">
          <THead>
            <tr>
              <Th>Name</Th>
              <Th className="hidden md:table-cell">URL</Th>
              <Th>Timeout</Th>
              <Th>Concurrency</Th>
              <Th className="hidden lg:table-cell">Modified</Th>
            </tr>
          </THead>
          <TBody>
            {fns.map((f) => (
              <Tr
                key={f.id}
                className="cursor-pointer"
                onClick={() => router.push(href(f.name))}
                data-testid="function-row"
              >
                <Td className="max-w-[12rem] sm:max-w-md">
                  <Link
                    href={href(f.name)}
                    className="block truncate font-medium text-accent-700 hover:underline"
                    onClick={(e) => e.stopPropagation()}
                  >
                    {f.name}
                  </Link>
                  {f.description && <div className="truncate text-xs text-gray-500">{f.description}</div>}
                </Td>
                <Td className="hidden max-w-xs truncate font-mono text-xs md:table-cell">{f.url}</Td>
                <Td>{f.timeoutSeconds} s</Td>
                <Td>
                  {f.reservedConcurrency === null ? (
                    <Badge tone="neutral">unlimited</Badge>
                  ) : (
                    <Badge tone={f.reservedConcurrency === 0 ? "warning" : "accent"}>{f.reservedConcurrency}</Badge>
                  )}
                </Td>
                <Td className="hidden lg:table-cell">
                  <RelativeTime date={f.updatedAt} />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <CreateFunctionDialog
        open={creating}
        tenant={tenant.slug}
        onClose={() => setCreating(false)}
        onCreated={(r) => {
          setCreating(false);
          setSecret({ secret: r.signingSecret, name: r.function.name });
        }}
      />
      <FunctionSecretDialog
        secret={secret?.secret ?? null}
        onClose={() => {
          const name = secret?.name;
          setSecret(null);
          if (name) router.push(href(name));
        }}
      />
    </div>
  );
}
