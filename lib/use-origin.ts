"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * The console's origin (e.g. https://signalbox.example.com) for snippets and links. Empty during
 * server rendering, so the first client render matches the server's (no hydration mismatch).
 */
export function useOrigin(): string {
  return useSyncExternalStore(
    noop,
    () => window.location.origin,
    () => "",
  );
}
