// Web and worker processes started by a supervisor (npm start, tests) must not outlive it: a
// supervisor killed with SIGKILL cannot stop them, and a child left behind keeps the port, so a
// service manager could not start Signalbox again. The IPC channel closes when the parent dies,
// however it dies; the parent pid is checked too (a reparented process has a new one) in case the
// channel is not noticed.

const PPID_CHECK_MS = 1_000;

/** Calls `onGone` once when the parent that started this process with an IPC channel is gone. */
export function watchParent(onGone: (why: string) => void): void {
  if (!process.send) return; // started by hand (npm run start:web): no parent to follow
  const parent = process.ppid;
  let fired = false;
  const fire = (why: string) => {
    if (fired) return;
    fired = true;
    clearInterval(timer);
    onGone(why);
  };
  process.once("disconnect", () => fire("parent closed its channel"));
  const timer = setInterval(() => {
    if (process.ppid !== parent) fire(`parent ${parent} exited`);
  }, PPID_CHECK_MS);
  timer.unref();
}

/** Ends the process if a graceful stop hangs (the supervisor is not there to SIGKILL it). */
export function exitAfter(ms: number): void {
  setTimeout(() => process.exit(1), ms).unref();
}
