"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormField,
  Input,
  Select,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
  FormDialogFooter,
} from "@/components/ui";
import { ROLES, roleAtMost, type Role } from "@/server/auth/permissions";
import { useTRPC, type RouterOutputs } from "@/lib/trpc";

export type CreatedKey = RouterOutputs["apiKey"]["create"];

const EXPIRY = [
  { value: "never", label: "Never" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
  { value: "custom", label: "On a date…" },
] as const;

const ROLE_HELP: Record<Role, string> = {
  owner: "Everything, including team settings",
  admin: "Resources, keys and members",
  developer: "Create and change resources, send and receive",
  viewer: "Read only",
};

function expiryDate(choice: string, custom: string): Date | null | "invalid" {
  if (choice === "never") return null;
  if (choice === "custom") {
    if (!custom) return "invalid";
    // End of the chosen day, local time.
    const d = new Date(`${custom}T23:59:59`);
    return Number.isNaN(d.getTime()) ? "invalid" : d;
  }
  return new Date(Date.now() + Number(choice) * 24 * 3600 * 1000);
}

/** The create form. On success hands the one-time secret to `onCreated` and closes. */
export function CreateKeyDialog({
  open,
  onClose,
  onCreated,
  tenant,
  myRole,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (k: CreatedKey) => void;
  tenant: string;
  myRole: Role;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const allowed = ROLES.filter((r) => roleAtMost(r, myRole));
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(allowed.includes("developer") ? "developer" : allowed[allowed.length - 1]);
  const [expiry, setExpiry] = useState("never");
  const [custom, setCustom] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const create = useMutation(
    trpc.apiKey.create.mutationOptions({
      onSuccess: async (k) => {
        await qc.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey({ tenant }) });
        setName("");
        setExpiry("never");
        setCustom("");
        onCreated(k);
        toast(`Key “${k.name}” created`);
      },
    }),
  );
  const fe = fieldErrorsOf(create.error);
  const close = () => {
    create.reset();
    setLocalError(null);
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create API key"
      description="A key lets an application call Signalbox with the AWS SDKs, the AWS CLI or the REST API."
      footer={
        <FormDialogFooter
          formId="create-key-form"
          submitLabel="Create key"
          onCancel={close}
          loading={create.isPending}
        />
      }
    >
      <form
        id="create-key-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const exp = expiryDate(expiry, custom);
          if (exp === "invalid") return setLocalError("Pick a date");
          setLocalError(null);
          create.mutate({ tenant, name, role, expiresAt: exp });
        }}
      >
        <FormField label="Name" error={fe.name} hint="What uses this key, e.g. “orders-service production”.">
          <Input name="name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" data-autofocus />
        </FormField>
        <FormField
          label="Role"
          error={fe.role}
          hint={`${ROLE_HELP[role]}. A key can have at most your own role (${myRole}).`}
        >
          <Select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {allowed.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </FormField>
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Expires" error={expiry !== "custom" ? fe.expiresAt : undefined}>
            <Select name="expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
              {EXPIRY.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </Select>
          </FormField>
          {expiry === "custom" && (
            <FormField label="Expiry date" error={localError ?? fe.expiresAt}>
              <Input
                type="date"
                name="expiresOn"
                value={custom}
                onChange={(e) => setCustom(e.target.value)}
                min={new Date().toISOString().slice(0, 10)}
              />
            </FormField>
          )}
        </div>
        {errorMessageOf(create.error) && <Alert tone="danger">{errorMessageOf(create.error)}</Alert>}
      </form>
    </Dialog>
  );
}
