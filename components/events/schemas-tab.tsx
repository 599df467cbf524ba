"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, FileCode2 } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  CodeBlock,
  EmptyState,
  LoadingBlock,
  RelativeTime,
  SegmentedControl,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  cn,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";

type View = "typescript" | "json" | "openapi";

function download(file: { filename: string; contentType: string; body: string }) {
  const url = URL.createObjectURL(new Blob([file.body], { type: file.contentType }));
  const a = document.createElement("a");
  a.href = url;
  a.download = file.filename;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * Schema discovery for the bus (start/stop) and the schemas it inferred per source and detail type,
 * versioned when the shape changes, with the TypeScript type and JSON Schema / OpenAPI downloads.
 */
export function SchemasTab({ tenant, bus, canWrite }: { tenant: string; bus: string; canWrite: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const q = useQuery({ ...trpc.events.schemas.queryOptions({ tenant, bus }), refetchInterval: 15_000 });
  const [picked, setPicked] = useState<string | null>(null);
  const setDiscovery = useMutation(
    trpc.events.setDiscovery.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.events.schemas.pathKey() });
        toast(r.state === "STARTED" ? "Schema discovery started" : "Schema discovery stopped");
      },
      onError: (e) => toast(e.message, "danger"),
    }),
  );
  if (q.isPending) return <LoadingBlock />;
  if (q.error)
    return (
      <Alert tone="danger" title="Could not load schemas">
        {q.error.message}
      </Alert>
    );
  const { discoverer, schemas } = q.data;
  const running = discoverer?.state === "STARTED";
  const current = picked ?? schemas[0]?.name ?? null;
  return (
    <div className="space-y-5">
      <Card>
        <CardHeader
          title={
            <span className="flex items-center gap-2">
              Schema discovery{" "}
              <Badge tone={running ? "success" : "neutral"}>{running ? "On" : discoverer ? "Stopped" : "Off"}</Badge>
            </span>
          }
          description="Infers a JSON Schema per source and detail type from this bus's events and adds a version when the shape changes (the discovered-schemas registry, shared by your team's buses)."
          actions={
            canWrite && (
              <Button
                size="sm"
                variant={running ? "secondary" : "primary"}
                loading={setDiscovery.isPending}
                onClick={() => setDiscovery.mutate({ tenant, bus, started: !running })}
              >
                {running ? "Stop discovery" : "Start discovery"}
              </Button>
            )
          }
        />
      </Card>
      {schemas.length === 0 ? (
        <EmptyState
          icon={<FileCode2 className="h-5 w-5" aria-hidden />}
          title="No schemas yet"
          description={
            running
              ? "Discovery is on: schemas appear within a minute of the first events of each source and detail type."
              : "Start discovery, then send events: each source and detail type gets a schema."
          }
        />
      ) : (
        <div className="grid gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
          <div className="min-w-0 self-start">
            <Table aria-label="Schemas">
              <THead>
                <tr>
                  <Th>Schema</Th>
                  <Th>Versions</Th>
                  <Th>Updated</Th>
                </tr>
              </THead>
              <TBody>
                {schemas.map((s) => (
                  <Tr
                    key={s.arn}
                    className={cn("cursor-pointer", s.name === current && "bg-accent-50/60")}
                    onClick={() => setPicked(s.name)}
                    data-testid="schema-row"
                  >
                    <Td className="max-w-[16rem]">
                      <div className="truncate font-mono text-xs text-gray-900">{s.source ?? s.name}</div>
                      <div className="truncate text-xs text-gray-500">{s.detailType}</div>
                    </Td>
                    <Td className="tabular-nums">{s.versionCount}</Td>
                    <Td>
                      <RelativeTime date={s.lastModified} />
                    </Td>
                  </Tr>
                ))}
              </TBody>
            </Table>
          </div>
          {current && <SchemaDetail key={current} name={current} tenant={tenant} />}
        </div>
      )}
    </div>
  );
}

function SchemaDetail({ name, tenant }: { name: string; tenant: string }) {
  const trpc = useTRPC();
  const [version, setVersion] = useState<string | undefined>(undefined);
  const [view, setView] = useState<View>("typescript");
  const q = useQuery(trpc.events.schema.queryOptions({ tenant, name, version }));
  return (
    <Card className="min-w-0">
      <CardHeader
        title={<span className="font-mono text-sm break-all">{name}</span>}
        actions={
          q.data && (
            <div className="w-32">
              <Select aria-label="Version" value={String(q.data.version)} onChange={(e) => setVersion(e.target.value)}>
                {q.data.versions.map((v) => (
                  <option key={v.version} value={String(v.version)}>
                    Version {v.version}
                  </option>
                ))}
              </Select>
            </div>
          )
        }
      />
      <CardBody className="space-y-3">
        {q.isPending ? (
          <LoadingBlock />
        ) : q.error ? (
          <Alert tone="danger">{q.error.message}</Alert>
        ) : (
          <>
            <div className="flex flex-wrap items-center justify-between gap-2">
              <SegmentedControl<View>
                label="Show as"
                options={[
                  { value: "typescript", label: "TypeScript" },
                  { value: "json", label: "JSON Schema" },
                  { value: "openapi", label: "OpenAPI 3" },
                ]}
                value={view}
                onChange={setView}
              />
              <div className="flex gap-2">
                <Button size="sm" variant="secondary" onClick={() => download(q.data.jsonSchema)}>
                  <Download className="h-4 w-4" aria-hidden />
                  JSON Schema
                </Button>
                <Button size="sm" variant="secondary" onClick={() => download(q.data.openApi)}>
                  <Download className="h-4 w-4" aria-hidden />
                  OpenAPI
                </Button>
              </div>
            </div>
            <CodeBlock
              className="max-h-[28rem] overflow-auto"
              title={
                view === "typescript"
                  ? `${name}.ts`
                  : view === "json"
                    ? q.data.jsonSchema.filename
                    : q.data.openApi.filename
              }
              code={
                view === "typescript"
                  ? q.data.typescript
                  : view === "json"
                    ? q.data.jsonSchema.body
                    : q.data.openApi.body
              }
            />
          </>
        )}
      </CardBody>
    </Card>
  );
}
