"use client";
import { useEffect, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Dialog,
  FormDialogFooter,
  FormField,
  Input,
  Select,
  errorMessageOf,
  fieldErrorsOf,
  useToast,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { fieldValue, type KeyLimitsView } from "./key-limits";

const text = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));

/**
 * A key's own limits: a rate (requests per second) with a burst, and a quota per day or month.
 * Blank means no limit of the key's own (the team's limit still applies). The server checks every
 * field (zod) and the errors show under each one.
 */
export function KeyLimitsDialog({
  tenant,
  keyRef,
  onClose,
}: {
  tenant: string;
  keyRef: { id: string; name: string; limits: KeyLimitsView } | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const toast = useToast();
  const [rate, setRate] = useState("");
  const [burst, setBurst] = useState("");
  const [quota, setQuota] = useState("");
  const [period, setPeriod] = useState<"" | "DAY" | "MONTH">("DAY");
  useEffect(() => {
    setRate(text(keyRef?.limits?.rateLimit));
    setBurst(text(keyRef?.limits?.burstLimit));
    setQuota(text(keyRef?.limits?.quotaLimit));
    setPeriod(keyRef?.limits?.quotaPeriod ?? "DAY");
  }, [keyRef]);
  const save = useMutation(
    trpc.apiKey.setLimits.mutationOptions({
      onSuccess: async () => {
        await qc.invalidateQueries({ queryKey: trpc.apiKey.list.queryKey({ tenant }) });
        toast(`Limits of “${keyRef?.name}” saved`);
        onClose();
      },
    }),
  );
  const fe = fieldErrorsOf(save.error);
  const close = () => {
    save.reset();
    onClose();
  };
  return (
    <Dialog
      open={!!keyRef}
      onClose={close}
      title={`Limits of “${keyRef?.name ?? ""}”`}
      description="Requests this key may make, on the AWS and REST APIs, in every Signalbox process together. Leave a field blank for no limit of its own; the team's limit always applies."
      footer={
        <FormDialogFooter
          formId="key-limits-form"
          submitLabel="Save limits"
          onCancel={close}
          loading={save.isPending}
        />
      }
    >
      <form
        id="key-limits-form"
        className="space-y-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!keyRef) return;
          const quotaValue = fieldValue(quota);
          save.mutate({
            tenant,
            id: keyRef.id,
            rateLimit: fieldValue(rate),
            burstLimit: fieldValue(burst),
            quotaLimit: quotaValue,
            quotaPeriod: quotaValue === null ? null : period || null,
          });
        }}
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <FormField label="Rate (requests per second)" error={fe.rateLimit} hint="e.g. 20">
            <Input
              name="rateLimit"
              inputMode="decimal"
              value={rate}
              onChange={(e) => setRate(e.target.value)}
              data-autofocus
            />
          </FormField>
          <FormField label="Burst" error={fe.burstLimit} hint="Requests at once; default: the rate">
            <Input name="burstLimit" inputMode="numeric" value={burst} onChange={(e) => setBurst(e.target.value)} />
          </FormField>
          <FormField label="Quota (requests)" error={fe.quotaLimit} hint="e.g. 10000">
            <Input name="quotaLimit" inputMode="numeric" value={quota} onChange={(e) => setQuota(e.target.value)} />
          </FormField>
          <FormField label="Per" error={fe.quotaPeriod} hint="Periods start at 00:00 UTC (months on the 1st)">
            <Select name="quotaPeriod" value={period} onChange={(e) => setPeriod(e.target.value as "DAY" | "MONTH")}>
              <option value="DAY">day</option>
              <option value="MONTH">month</option>
            </Select>
          </FormField>
        </div>
        {errorMessageOf(save.error) && <Alert tone="danger">{errorMessageOf(save.error)}</Alert>}
      </form>
    </Dialog>
  );
}
