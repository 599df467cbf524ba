"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  SegmentedControl,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";

type Mode = "blank" | "import";

/** Create a REST API: blank, or from an OpenAPI 3 JSON or YAML file (with x-amazon-apigateway-* extensions). */
export function CreateApiDialog({
  open,
  onClose,
  onCreated,
  tenant,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (id: string) => void;
  tenant: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [mode, setMode] = useState<Mode>("blank");
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [file, setFile] = useState<{ name: string; text: string } | null>(null);
  const create = useMutation(
    trpc.apis.create.mutationOptions({
      onSuccess: async (a) => {
        await qc.invalidateQueries({ queryKey: trpc.apis.list.pathKey() });
        toast(
          a.warnings.length
            ? `API “${a.name}” imported with ${a.warnings.length} warning(s)`
            : `API “${a.name}” created`,
        );
        setName("");
        setDescription("");
        setFile(null);
        onCreated(a.id);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    onClose();
  };
  const other = otherErrors(create.error, ["name", "description", "openapi"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create REST API"
      description="A REST API is a tree of resources and methods; each method hands the request to an integration (a queue, topic, event bus, workflow, function or HTTP endpoint). Deploy it to a stage to call it."
      footer={
        <FormDialogFooter
          formId="create-api-form"
          submitLabel={mode === "import" ? "Import API" : "Create API"}
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-api-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({
            tenant,
            name: name.trim() || (mode === "import" && file ? file.name.replace(/\.(json|ya?ml)$/i, "") : ""),
            description: description.trim() || undefined,
            openapi: mode === "import" ? (file?.text ?? "") : undefined,
          });
        }}
      >
        <SegmentedControl<Mode>
          label="Start from"
          options={[
            { value: "blank", label: "New API" },
            { value: "import", label: "Import OpenAPI 3" },
          ]}
          value={mode}
          onChange={setMode}
        />
        <FormField label={mode === "import" ? "Name (optional: the file's title otherwise)" : "Name"} error={fe.name}>
          <Input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            placeholder="orders-api"
            data-autofocus
          />
        </FormField>
        {mode === "import" ? (
          <FormField
            label="OpenAPI 3 definition (JSON or YAML)"
            error={fe.openapi}
            hint="Paths, methods and x-amazon-apigateway-integration become resources, methods and integrations."
          >
            <Input
              type="file"
              name="openapi"
              accept="application/json,.json,application/yaml,text/yaml,.yaml,.yml"
              className="pt-1.5"
              onChange={async (e) => {
                const f = e.target.files?.[0];
                setFile(f ? { name: f.name, text: await f.text() } : null);
              }}
            />
          </FormField>
        ) : (
          <FormField label="Description (optional)" error={fe.description}>
            <Textarea
              name="description"
              rows={2}
              className="font-sans"
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              maxLength={1024}
            />
          </FormField>
        )}
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}
