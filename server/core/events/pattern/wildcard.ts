// The `wildcard` operator: `*` matches any run of characters (including none), `\*` is a literal
// star, `\\` a literal backslash; any other backslash and two stars in a row are refused. Positions in
// AWS's messages count UTF-8 bytes, so ours do too.
//
// Complexity: AWS refuses patterns whose wildcards could leave its matcher in too many states at
// once ("Rule is too complex ..."). Its measure is the largest number of (pattern, position) pairs an
// input string can keep alive at the same time, summed over every wildcard on the same field. We
// compute that measure by exploring the state sets of the field's wildcards over the characters they
// mention (plus one "any other" character), and refuse above MAX_WILDCARD_COMPLEXITY.

export const TOO_COMPLEX_MESSAGE =
  "Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character";

/**
 * AWS does not publish the number. Calibrated on what AWS accepts and refuses: three
 * `*:stack/<name>/*` wildcards on one field are accepted (measure 9) and four are refused (12).
 */
export const MAX_WILDCARD_COMPLEXITY = 10;

/** Literal pieces between stars: `a*b*` → { pieces: ["a", "b", ""] }. */
export type WildcardProgram = { source: string; pieces: string[] };

export class WildcardSyntaxError extends Error {}

const encoder = new TextEncoder();

export function parseWildcard(source: string): WildcardProgram {
  const bytes = encoder.encode(source);
  // Validate on bytes (for AWS's positions), build pieces on characters.
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x2a && bytes[i + 1] === 0x2a)
      throw new WildcardSyntaxError(`Consecutive wildcard characters at pos ${i}`);
    if (bytes[i] === 0x5c) {
      if (bytes[i + 1] === 0x2a || bytes[i + 1] === 0x5c) {
        i++;
        continue;
      }
      throw new WildcardSyntaxError(`Invalid escape character at pos ${i}`);
    }
  }
  const pieces: string[] = [];
  let current = "";
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") {
      current += source[++i];
    } else if (ch === "*") {
      pieces.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return { source, pieces };
}

export function wildcardMatches(program: WildcardProgram, value: string): boolean {
  const { pieces } = program;
  if (pieces.length === 1) return value === pieces[0];
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  // Greedy left-to-right placement of the middle pieces is optimal for `*`-only globs.
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const found = value.indexOf(pieces[i], at);
    if (found < 0 || found + pieces[i].length > end) return false;
    at = found + pieces[i].length;
  }
  return true;
}

/** The complexity measure described above, capped at `cap`. */
export function wildcardComplexity(programs: WildcardProgram[], cap = MAX_WILDCARD_COMPLEXITY + 1): number {
  // The same wildcard twice on one field is one pattern to AWS's matcher.
  const unique = new Map(programs.map((p) => [p.source, p]));
  const withStars = [...unique.values()].filter((p) => p.pieces.length > 1);
  if (withStars.length === 0) return 0;
  // All programs' positions in one array: a character, STAR, or END (the accepting position).
  const STAR = "";
  const END = null;
  const tok: Array<string | null> = [];
  const starts: number[] = [];
  for (const p of withStars) {
    starts.push(tok.length);
    p.pieces.forEach((piece, i) => {
      if (i > 0) tok.push(STAR);
      for (const ch of piece) tok.push(ch);
    });
    tok.push(END);
  }
  const alphabet = new Set<string>();
  for (const t of tok) if (t) alphabet.add(t);
  alphabet.add("\u0000other");

  const mark = new Uint8Array(tok.length);
  // A star and the position after it are one state of AWS's machine (a self-loop), so only
  // character positions and the accepting end are counted.
  const close = (pos: number) => {
    for (;;) {
      mark[pos] = 1;
      if (tok[pos] === STAR) pos++;
      else return;
    }
  };
  const collect = (): { states: number[]; weight: number } => {
    const states: number[] = [];
    let weight = 0;
    for (let i = 0; i < mark.length; i++) {
      if (mark[i]) {
        states.push(i);
        if (tok[i] !== STAR) weight++;
        mark[i] = 0;
      }
    }
    return { states, weight };
  };
  for (const st of starts) close(st);
  const first = collect();
  let max = first.weight;
  if (max >= cap) return cap;
  const seen = new Set<string>([first.states.join(",")]);
  const queue: number[][] = [first.states];
  const LIMIT_SETS = 5000;
  while (queue.length > 0 && seen.size < LIMIT_SETS) {
    const set = queue.shift()!;
    for (const ch of alphabet) {
      let any = false;
      for (const p of set) {
        const t = tok[p];
        if (t === STAR) {
          close(p);
          any = true;
        } else if (t === ch) {
          close(p + 1);
          any = true;
        }
      }
      if (!any) continue;
      const next = collect();
      if (next.weight > max) {
        max = next.weight;
        if (max >= cap) return cap;
      }
      const k = next.states.join(",");
      if (!seen.has(k)) {
        seen.add(k);
        queue.push(next.states);
      }
    }
  }
  return max;
}
