import { errorMessageOf, fieldErrorsOf } from "@/components/ui";

/**
 * The message for a form's Alert: the error itself, or field errors this form has no field for
 * (so a server message about, say, `request` is never swallowed).
 */
export function otherErrors(error: unknown, shown: string[]): string | null {
  const general = errorMessageOf(error);
  if (general) return general;
  const fe = fieldErrorsOf(error);
  const rest = Object.entries(fe).filter(([k]) => !shown.includes(k));
  return rest.length ? rest.map(([, v]) => v[0]).join(" ") : null;
}
