"use client";
import { useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft } from "lucide-react";
import {
  Alert,
  Button,
  FormField,
  Input,
  PageHeader,
  SegmentedControl,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import { tenantPath } from "@/lib/use-tenant";
import { usePermissions } from "@/components/layout/permissions";
import { useCurrentTenant } from "@/components/layout/tenant-context";
import { formatDefinition, SAMPLE_DEFINITION } from "./asl-graph";
import { DefinitionEditor } from "./definition-editor";
import { workflowsPath } from "./status";

/** /t/<slug>/workflows/new: name, type and role, and the definition in the editor (JSON ↔ graph). */
export function NewMachineView() {
  const tenant = useCurrentTenant();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const { can } = usePermissions();
  const [name, setName] = useState("");
  const [type, setType] = useState<"STANDARD" | "EXPRESS">("STANDARD");
  const [roleArn, setRoleArn] = useState(`arn:aws:iam::${tenant.accountId}:role/signalbox-workflows`);
  const [definition, setDefinition] = useState(() => formatDefinition(SAMPLE_DEFINITION));
  const [valid, setValid] = useState(false);
  const create = useMutation(
    trpc.workflows.createMachine.mutationOptions({
      onSuccess: async (m) => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.machines.pathKey() });
        toast(`State machine “${m.name}” created`);
        router.push(tenantPath(tenant.slug, workflowsPath.machine(m.name)));
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const other = otherErrors(create.error, ["name", "roleArn"]);
  const back = (
    <Link
      href={tenantPath(tenant.slug, "workflows")}
      className="mb-3 inline-flex items-center gap-1 text-sm text-gray-500 hover:text-gray-800"
    >
      <ArrowLeft className="h-4 w-4" aria-hidden />
      Workflows
    </Link>
  );
  if (!can("resource:write"))
    return (
      <div>
        {back}
        <Alert tone="warning" title="You cannot create state machines">
          Your role can see workflows but not create them. Ask an admin of this team.
        </Alert>
      </div>
    );
  return (
    <div>
      {back}
      <PageHeader
        title="Create state machine"
        description="Write the definition or build it in the graph: both stay in step, and it is checked as you type."
      />
      <form
        id="create-machine-form"
        noValidate
        className="mb-4 grid gap-4 rounded-lg border border-gray-200 bg-white p-4 shadow-xs md:grid-cols-[minmax(0,1fr)_auto_minmax(0,1.4fr)]"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            tenant: tenant.slug,
            name: name.trim(),
            type,
            definition,
            roleArn: roleArn.trim() || undefined,
          });
        }}
      >
        <FormField label="Name" error={fe.name} hint="Up to 80 letters, digits, - and _.">
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="order-approval"
            data-autofocus
          />
        </FormField>
        <div>
          <span className="mb-1.5 block text-sm font-medium text-gray-700">Type</span>
          <SegmentedControl<"STANDARD" | "EXPRESS">
            label="Type"
            options={[
              { value: "STANDARD", label: "Standard" },
              { value: "EXPRESS", label: "Express" },
            ]}
            value={type}
            onChange={setType}
          />
          <p className="mt-1 text-xs text-gray-500">
            {type === "STANDARD" ? "Durable, up to a year, full history." : "Short and fast, up to 5 minutes."}
          </p>
        </div>
        <FormField label="Role ARN" error={fe.roleArn} hint="Kept for AWS compatibility; Signalbox runs as your team.">
          <Input
            name="roleArn"
            value={roleArn}
            onChange={(e) => setRoleArn(e.target.value)}
            className="font-mono text-xs"
          />
        </FormField>
      </form>
      <DefinitionEditor tenant={tenant.slug} value={definition} onChange={setDefinition} onValidity={setValid} />
      {(other || fe.definition) && (
        <Alert tone="danger" className="mt-4" title="The state machine was not created">
          {other ?? fe.definition?.[0]}
        </Alert>
      )}
      <div className="mt-4 flex items-center justify-end gap-3">
        {!valid && <span className="text-sm text-gray-500">Fix the definition’s errors to create it.</span>}
        <Link href={tenantPath(tenant.slug, "workflows")} className="text-sm text-gray-600 hover:text-gray-900">
          Cancel
        </Link>
        <Button type="submit" form="create-machine-form" loading={create.isPending} disabled={!valid}>
          Create state machine
        </Button>
      </div>
    </div>
  );
}
