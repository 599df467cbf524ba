import { AppError } from "../core/errors";

// Strict decoding of what arrives on the wire, shared by every data-plane door. Node's lenient
// decoders turn invalid UTF-8 into U+FFFD and let a repeated parameter silently win; both change
// data the caller never meant to send, so here they are refused instead.

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export class WireError extends AppError {
  constructor(
    readonly reason: "encoding" | "duplicate" | "escape",
    message: string,
  ) {
    super("validation", message);
  }
}

export function isWireError(e: unknown): e is WireError {
  return e instanceof WireError;
}

/** The bytes as UTF-8 text, or a WireError when they are not valid UTF-8. */
export function decodeUtf8(buf: Buffer, where = "request body"): string {
  try {
    return UTF8.decode(buf);
  } catch {
    throw new WireError("encoding", `The ${where} is not valid UTF-8.`);
  }
}

/** One application/x-www-form-urlencoded component, refusing bad escapes and invalid UTF-8. */
export function decodeFormComponent(raw: string): string {
  const s = raw.includes("+") ? raw.replace(/\+/g, " ") : raw;
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // decodeURIComponent throws both for "%zz" and for escapes that decode to invalid UTF-8.
    throw /%(?![0-9A-Fa-f]{2})/.test(s)
      ? new WireError("escape", "The request contains a malformed percent-escape.")
      : new WireError("encoding", "The request contains percent-escapes that are not valid UTF-8.");
  }
}

/** A path segment, percent-decoded strictly. */
export function decodePathSegment(raw: string): string {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new WireError("escape", "The request path contains a malformed or non-UTF-8 percent-escape.");
  }
}

/**
 * Form or query-string parameters appended to `into`. A name given twice (in one part or across
 * the query string and the body) makes the request ambiguous: `Action=ListQueues&Action=DeleteQueue`
 * must not run either.
 */
export function parseForm(
  text: string,
  into: URLSearchParams = new URLSearchParams(),
  opts: { repeated?: boolean } = {},
): URLSearchParams {
  if (!text) return into;
  for (const part of text.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = decodeFormComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? "" : decodeFormComponent(part.slice(eq + 1));
    if (!opts.repeated && into.has(name))
      throw new WireError("duplicate", `The parameter ${name} appears more than once.`);
    into.append(name, value);
  }
  return into;
}
