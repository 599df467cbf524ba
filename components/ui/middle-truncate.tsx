import { cn } from "./cn";

/**
 * The part of a long value that names the thing: an ARN's resource name, a URL's last path
 * segment (or its host when it has no path), an email address whole.
 */
export function nameTail(value: string): { head: string; tail: string } {
  let cut = -1;
  if (value.startsWith("arn:")) cut = value.lastIndexOf(":");
  else {
    const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(value);
    if (m) {
      const rest = value.slice(m[0].length).replace(/[/?#]+$/, "");
      const slash = rest.lastIndexOf("/");
      cut = slash > 0 ? m[0].length + slash : -1;
    } else if (!value.includes("@")) cut = value.lastIndexOf("/");
  }
  // Keep at most 48 characters whole at the end, so a long last part still leaves room for the head.
  if (cut < 0) cut = Math.max(0, value.length - 48);
  cut = Math.max(cut, value.length - 48);
  return { head: value.slice(0, cut), tail: value.slice(cut) };
}

/**
 * A long URL, ARN or address cut in the middle when space runs out (`arn:aws:sns:…:orders`), so
 * the name at its end stays visible. The whole value is the title and what copy/select gets.
 */
export function MiddleTruncate({ value, className }: { value: string; className?: string }) {
  const { head, tail } = nameTail(value);
  return (
    <span className={cn("flex min-w-0 max-w-full", className)} title={value}>
      <span className="min-w-0 truncate">{head}</span>
      <span className="min-w-0 shrink-0 truncate whitespace-pre">{tail}</span>
    </span>
  );
}
