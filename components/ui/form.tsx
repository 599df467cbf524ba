"use client";
import {
  cloneElement,
  isValidElement,
  useId,
  type LabelHTMLAttributes,
  type ReactElement,
  type ReactNode,
} from "react";
import { cn } from "./cn";

export function Label({ className, ...rest }: LabelHTMLAttributes<HTMLLabelElement>) {
  return <label className={cn("block text-sm font-medium text-gray-800", className)} {...rest} />;
}

/** Shows the first message of a field's errors (e.g. `error.data.fieldErrors.name`). */
export function FieldError({ id, messages }: { id?: string; messages?: string[] | string | null }) {
  const list = typeof messages === "string" ? [messages] : (messages ?? []);
  if (list.length === 0) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-600" role="alert">
      {list[0]}
    </p>
  );
}

/**
 * Label + control + hint + error, wired together: the control gets `id`, `aria-describedby` and
 * `invalid` automatically. Pass exactly one control element (Input, Select, Textarea) as child.
 */
export function FormField({
  label,
  hint,
  error,
  children,
  className,
  id: idProp,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string[] | string | null;
  children: ReactElement<Record<string, unknown>>;
  className?: string;
  id?: string;
}) {
  const auto = useId();
  const id = idProp ?? (children.props.id as string | undefined) ?? `f${auto.replace(/:/g, "")}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = `${id}-error`;
  const hasError = typeof error === "string" ? error.length > 0 : (error?.length ?? 0) > 0;
  const describedBy = [hintId, hasError ? errId : undefined].filter(Boolean).join(" ") || undefined;
  const control = isValidElement(children)
    ? cloneElement(children, { id, "aria-describedby": describedBy, invalid: hasError })
    : children;
  return (
    <div className={cn("space-y-1.5", className)}>
      <Label htmlFor={id}>{label}</Label>
      {control}
      {hint && !hasError && (
        <p id={hintId} className="text-xs text-gray-500">
          {hint}
        </p>
      )}
      <FieldError id={errId} messages={error} />
    </div>
  );
}
