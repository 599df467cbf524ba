// EventBridge compares numbers after turning them into fixed-point values: the documented range is
// -5.0e9..+5.0e9 inclusive, with six digits to the right of the decimal point (digits beyond that are
// cut off, so 1.0000001 equals 1). Doing the same arithmetic on the same IEEE doubles gives the same
// equalities and orderings AWS gives, including its rounding at the edges.

export const NUMBER_LIMIT = 5_000_000_000;

/** AWS's text for a pattern number outside the range. */
export const NUMBER_RANGE_MESSAGE = "Value must be between -5.0E9 and 5.0E9, inclusive";

export function toComparable(n: number): number | undefined {
  if (!Number.isFinite(n) || n < -NUMBER_LIMIT || n > NUMBER_LIMIT) return undefined;
  return Math.trunc(1e6 * (NUMBER_LIMIT + n));
}
