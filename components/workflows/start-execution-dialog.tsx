"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  Select,
  Textarea,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { otherErrors } from "@/components/topics/form-errors";
import { useTRPC } from "@/lib/trpc";
import type { AliasView, VersionView } from "./types";

/** Start an execution with JSON input (also “Run again with edited input” from an execution). */
export function StartExecutionDialog({
  open,
  onClose,
  onStarted,
  tenant,
  machine,
  initialInput = '{\n  "amount": 42\n}',
  versions = [],
  aliases = [],
  title = "Start execution",
}: {
  open: boolean;
  onClose: () => void;
  onStarted: (e: { name: string; executionArn: string; express: boolean }) => void;
  tenant: string;
  machine: string;
  initialInput?: string;
  versions?: VersionView[];
  aliases?: AliasView[];
  title?: string;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [name, setName] = useState("");
  const [input, setInput] = useState(initialInput);
  const [qualifier, setQualifier] = useState("");
  const [syntax, setSyntax] = useState<string | null>(null);
  const start = useMutation(
    trpc.workflows.startExecution.mutationOptions({
      onSuccess: async (r) => {
        await qc.invalidateQueries({ queryKey: trpc.workflows.executions.pathKey() });
        toast(
          r.express
            ? `Express execution “${r.name}” started (express runs keep no history)`
            : `Execution “${r.name}” started`,
        );
        setName("");
        onStarted(r);
      },
    }),
  );
  const fe = fieldErrorsOf(start.error);
  const close = () => {
    start.reset();
    setSyntax(null);
    onClose();
  };
  const other = otherErrors(start.error, ["name", "input"]);
  return (
    <Dialog
      open={open}
      onClose={close}
      size="lg"
      title={title}
      description={`Runs “${machine}” with this input. Leave the name empty for a generated one.`}
      footer={
        <FormDialogFooter
          formId="start-execution-form"
          submitLabel="Start execution"
          onCancel={close}
          loading={start.isPending}
        />
      }
    >
      <form
        id="start-execution-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          try {
            JSON.parse(input);
          } catch (err) {
            setSyntax(`The input must be valid JSON: ${(err as Error).message}`);
            return;
          }
          setSyntax(null);
          start.mutate({ tenant, machine, input, name: name.trim() || undefined, qualifier: qualifier || undefined });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Name (optional)" error={fe.name}>
            <Input
              name="name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="off"
              placeholder="generated"
            />
          </FormField>
          {(versions.length > 0 || aliases.length > 0) && (
            <FormField label="Run">
              <Select value={qualifier} onChange={(e) => setQualifier(e.target.value)}>
                <option value="">Latest revision</option>
                {versions.map((v) => (
                  <option key={v.arn} value={String(v.version)}>
                    Version {v.version}
                  </option>
                ))}
                {aliases.map((a) => (
                  <option key={a.arn} value={a.name}>
                    Alias {a.name}
                  </option>
                ))}
              </Select>
            </FormField>
          )}
        </div>
        <FormField label="Input (JSON)" error={syntax ?? fe.input}>
          <Textarea
            name="input"
            rows={10}
            spellCheck={false}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            data-autofocus
          />
        </FormField>
        {other && <Alert tone="danger">{other}</Alert>}
      </form>
    </Dialog>
  );
}
