// A streaming JSON tokenizer that reports errors where AWS reports them.
//
// EventBridge validates patterns with a streaming (Jackson) parser, and every
// InvalidEventPatternException message ends with the parser's location: " at [Source: (String)"…";
// line: L, column: C]". To give the same line and column we keep Jackson's notion of "where the
// parser is" after each token:
//  - after a field name, the parser has already read the colon and the *start* of the value (past the
//    opening quote of a string, past a whole number or literal, past `[` or `{`);
//  - a string value is read lazily: the position stays just past its opening quote until its text is
//    asked for (`text()`), or the next token is read;
//  - numbers and literals are read whole; brackets and braces one character.
// Columns count UTF-16 code units from 1, lines count "\n", "\r" and "\r\n".

export type JsonTokenType =
  | "START_OBJECT"
  | "END_OBJECT"
  | "START_ARRAY"
  | "END_ARRAY"
  | "FIELD_NAME"
  | "VALUE_STRING"
  | "VALUE_NUMBER"
  | "VALUE_TRUE"
  | "VALUE_FALSE"
  | "VALUE_NULL";

export const PATTERN_ERROR_PREFIX = "Event pattern is not valid. Reason: ";

/** Jackson shows at most this many characters of the source in a location. */
const MAX_SNIPPET = 500;

/** An invalid event pattern; `message` is AWS's whole InvalidEventPatternException message. */
export class PatternError extends Error {
  readonly code = "InvalidEventPatternException";
  constructor(
    /** AWS's reason text without the location, e.g. `"x" must be an object or an array`. */
    readonly reason: string,
    /** 1-based line and column where AWS's parser stood; undefined for whole-pattern limits. */
    readonly line?: number,
    readonly column?: number,
    location?: string,
  ) {
    super(PATTERN_ERROR_PREFIX + reason + (location ? `\n at ${location}` : ""));
    this.name = "PatternError";
  }
}

type Scope = { kind: "root" | "object" | "array"; count: number; startLine: number; startColumn: number };

function charDesc(code: number): string {
  if (code < 32 || (code >= 127 && code <= 159)) return `(CTRL-CHAR, code ${code})`;
  const ch = String.fromCharCode(code);
  if (code > 255) return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  return `'${ch}' (code ${code})`;
}

const VALID_TOKENS = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

export class JsonReader {
  private pos = 0;
  private line = 1;
  private lineStart = 0;
  private scopes: Scope[] = [{ kind: "root", count: 0, startLine: 1, startColumn: 1 }];
  private current: JsonTokenType | null = null;
  private pendingValue: JsonTokenType | null = null;
  private stringIncomplete = false;
  private stringStart = 0;
  private currentText = "";
  private fieldName = "";
  private numberValue = 0;

  constructor(private readonly src: string) {}

  /** Jackson's location text for the current position. */
  location(line = this.line, column = this.column()): string {
    let snippet = this.src;
    let truncated = "";
    if (snippet.length > MAX_SNIPPET) {
      truncated = `[truncated ${snippet.length - MAX_SNIPPET} chars]`;
      snippet = snippet.slice(0, MAX_SNIPPET);
    }
    return `[Source: (String)"${snippet}"${truncated}; line: ${line}, column: ${column}]`;
  }

  column(): number {
    return this.pos - this.lineStart + 1;
  }

  /** Throws a PatternError at the current position (Ruler's `barf`). */
  fail(reason: string): never {
    throw new PatternError(reason, this.line, this.column(), this.location());
  }

  get token(): JsonTokenType | null {
    return this.current;
  }

  get name(): string {
    return this.fieldName;
  }

  get number(): number {
    return this.numberValue;
  }

  /** The text of the current token (completes a lazily read string, moving the position past it). */
  text(): string {
    if (this.current === "VALUE_STRING" && this.stringIncomplete) this.finishString();
    if (this.current === "FIELD_NAME") return this.fieldName;
    return this.currentText;
  }

  nextToken(): JsonTokenType | null {
    if (this.current === "FIELD_NAME" && this.pendingValue) {
      this.current = this.pendingValue;
      this.pendingValue = null;
      return this.current;
    }
    if (this.stringIncomplete) this.finishString();
    let c = this.skipWs();
    const scope = this.scope();
    if (c < 0) {
      if (scope.kind !== "root") {
        const what = scope.kind === "object" ? "Object" : "Array";
        this.fail(
          `Unexpected end-of-input: expected close marker for ${what} (start marker at ${this.location(scope.startLine, scope.startColumn)})`,
        );
      }
      this.current = null;
      return null;
    }
    if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      this.pos++;
      const want = scope.kind === "array" ? 0x5d : scope.kind === "object" ? 0x7d : -1;
      if (c !== want) {
        if (scope.kind === "root")
          this.fail(`Unexpected close marker '${String.fromCharCode(c)}': expected ']' or '}'`);
        const expected = String.fromCharCode(want);
        const what = scope.kind === "object" ? "Object" : "Array";
        this.fail(
          `Unexpected close marker '${String.fromCharCode(c)}': expected '${expected}' (for ${what} starting at ${this.location(scope.startLine, scope.startColumn)})`,
        );
      }
      this.scopes.pop();
      this.current = scope.kind === "array" ? "END_ARRAY" : "END_OBJECT";
      return this.current;
    }
    if (scope.kind !== "root" && scope.count > 0) {
      if (c !== 0x2c /* , */) {
        this.pos++;
        const what = scope.kind === "object" ? "Object" : "Array";
        this.fail(`Unexpected character (${charDesc(c)}): was expecting comma to separate ${what} entries`);
      }
      this.pos++;
      c = this.skipWs();
      if (c < 0) return this.nextToken();
    }
    if (scope.kind === "object") {
      if (c !== 0x22 /* " */) {
        this.pos++;
        this.fail(`Unexpected character (${charDesc(c)}): was expecting double-quote to start field name`);
      }
      this.pos++;
      this.fieldName = this.readString("name");
      c = this.skipWs();
      if (c !== 0x3a /* : */) {
        if (c < 0) this.fail(`Unexpected end-of-input: was expecting a colon to separate field name and value`);
        this.pos++;
        this.fail(`Unexpected character (${charDesc(c)}): was expecting a colon to separate field name and value`);
      }
      this.pos++;
      c = this.skipWs();
      scope.count++;
      this.pendingValue = this.startValue(c);
      this.current = "FIELD_NAME";
      return this.current;
    }
    scope.count++;
    this.current = this.startValue(c);
    return this.current;
  }

  /** Skips the value the current token starts (a scalar, or a whole object/array). */
  skipChildren(): void {
    if (this.current !== "START_OBJECT" && this.current !== "START_ARRAY") return;
    let depth = 1;
    while (depth > 0) {
      const t = this.nextToken();
      if (t === "START_OBJECT" || t === "START_ARRAY") depth++;
      else if (t === "END_OBJECT" || t === "END_ARRAY") depth--;
      else if (t === null) return;
    }
  }

  private scope(): Scope {
    return this.scopes[this.scopes.length - 1];
  }

  private startValue(c: number): JsonTokenType {
    if (c < 0) this.fail(`Unexpected end-of-input: expected a value`);
    const startLine = this.line;
    const startColumn = this.column();
    switch (c) {
      case 0x22:
        this.pos++;
        this.stringIncomplete = true;
        this.stringStart = this.pos;
        this.currentText = "";
        return "VALUE_STRING";
      case 0x7b:
        this.pos++;
        this.scopes.push({ kind: "object", count: 0, startLine, startColumn });
        return "START_OBJECT";
      case 0x5b:
        this.pos++;
        this.scopes.push({ kind: "array", count: 0, startLine, startColumn });
        return "START_ARRAY";
      case 0x74:
        this.matchLiteral("true");
        this.currentText = "true";
        return "VALUE_TRUE";
      case 0x66:
        this.matchLiteral("false");
        this.currentText = "false";
        return "VALUE_FALSE";
      case 0x6e:
        this.matchLiteral("null");
        this.currentText = "null";
        return "VALUE_NULL";
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber();
        if (c === 0x5d || c === 0x7d || c === 0x2c) {
          this.pos++;
          this.fail(`Unexpected character (${charDesc(c)}): expected a value`);
        }
        if (/[A-Za-z0-9_$]/.test(String.fromCharCode(c))) this.invalidToken(this.pos);
        this.pos++;
        this.fail(`Unexpected character (${charDesc(c)}): expected a valid value ${VALID_TOKENS}`);
    }
  }

  private invalidToken(start: number): never {
    let end = start;
    while (end < this.src.length && /[A-Za-z0-9_$.+-]/.test(this.src[end])) end++;
    if (end === start) end = start + 1;
    this.pos = end;
    this.fail(`Unrecognized token '${this.src.slice(start, end)}': was expecting ${VALID_TOKENS}`);
  }

  private matchLiteral(word: string): void {
    const start = this.pos;
    if (this.src.startsWith(word, start)) {
      const after = this.src.charCodeAt(start + word.length);
      if (Number.isNaN(after) || !/[A-Za-z0-9_$]/.test(String.fromCharCode(after))) {
        this.pos += word.length;
        return;
      }
    }
    this.invalidToken(start);
  }

  private readNumber(): JsonTokenType {
    const s = this.src;
    const start = this.pos;
    let i = start;
    const digit = (k: number) => k < s.length && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39;
    const failAt = (k: number, why: string): never => {
      this.pos = Math.min(k + 1, s.length);
      if (k >= s.length) this.fail(`Unexpected end-of-input in a Number value`);
      this.fail(`Unexpected character (${charDesc(s.charCodeAt(k))}) in numeric value: ${why}`);
    };
    if (s[i] === "-") {
      i++;
      if (!digit(i)) failAt(i, "expected digit (0-9) to follow minus sign, for valid numeric value");
    }
    if (s[i] === "0" && digit(i + 1)) {
      this.pos = i + 1;
      this.fail("Invalid numeric value: Leading zeroes not allowed");
    }
    while (digit(i)) i++;
    if (s[i] === ".") {
      i++;
      if (!digit(i)) failAt(i, "Decimal point not followed by a digit");
      while (digit(i)) i++;
    }
    if (s[i] === "e" || s[i] === "E") {
      i++;
      if (s[i] === "+" || s[i] === "-") i++;
      if (!digit(i)) failAt(i, "Exponent indicator not followed by a digit");
      while (digit(i)) i++;
    }
    this.pos = i;
    this.currentText = s.slice(start, i);
    this.numberValue = Number(this.currentText);
    return "VALUE_NUMBER";
  }

  private finishString(): void {
    this.pos = this.stringStart;
    this.currentText = this.readString("string value");
    this.stringIncomplete = false;
  }

  /** Reads a string body; the position starts after the opening quote and ends after the closing one. */
  private readString(what: "name" | "string value"): string {
    const s = this.src;
    let out = "";
    let chunk = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail("Unexpected end-of-input: was expecting closing quote for a string value");
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(chunk, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(chunk, this.pos);
        this.pos++;
        if (this.pos >= s.length) this.fail("Unexpected end-of-input in character escape sequence");
        const e = s[this.pos++];
        switch (e) {
          case '"':
          case "\\":
          case "/":
            out += e;
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const hex = s.slice(this.pos, this.pos + 4);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              const bad = [...hex].findIndex((h) => !/[0-9a-fA-F]/.test(h));
              this.pos += bad < 0 ? hex.length : bad + 1;
              if (bad < 0) this.fail("Unexpected end-of-input in character escape sequence");
              this.fail(
                `Unexpected character (${charDesc(hex.charCodeAt(bad))}): expected a hex-digit for character escape sequence`,
              );
            }
            out += String.fromCharCode(parseInt(hex, 16));
            this.pos += 4;
            break;
          }
          default:
            this.fail(`Unrecognized character escape ${charDesc(e.charCodeAt(0))}`);
        }
        chunk = this.pos;
        continue;
      }
      if (c < 0x20) {
        this.pos++;
        this.fail(
          `Illegal unquoted character (${charDesc(c)}): has to be escaped using backslash to be included in ${what}`,
        );
      }
      this.pos++;
    }
  }

  private newLine(nextStart: number): void {
    this.line++;
    this.lineStart = nextStart;
  }

  /** Skips whitespace; returns the next character code (not consumed) or -1 at the end. */
  private skipWs(): number {
    const s = this.src;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09) {
        this.pos++;
      } else if (c === 0x0a) {
        this.pos++;
        this.newLine(this.pos);
      } else if (c === 0x0d) {
        this.pos++;
        if (s.charCodeAt(this.pos) === 0x0a) this.pos++;
        this.newLine(this.pos);
      } else {
        return c;
      }
    }
    return -1;
  }
}
