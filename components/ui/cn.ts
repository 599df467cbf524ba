import clsx, { type ClassValue } from "clsx";

/** Joins class names (clsx). Later classes do not override earlier ones: keep variants disjoint. */
export function cn(...values: ClassValue[]): string {
  return clsx(values);
}
