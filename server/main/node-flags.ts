// Flags for the Node processes Signalbox starts (`npm start`'s supervisor and the benchmarks use
// these, so what is measured is what runs; `npm run start:web` in package.json repeats them).
//
// The web process answers every request on one event loop, and its longest pauses under load were
// young-generation collections: at 1,000 gateway requests/s the default 16 MB semi-space filled about
// three times a second, and each scavenge (copying what is still alive: requests in flight, the
// second's access-log rows) held the loop for 10–30 ms on a 2-core machine. With 64 MB the scavenges
// come about four times less often; `npm run bench:apis` showed the gateway's p99 falling by half or
// more (HTTP_PROXY 100–300 ms → 35–60 ms, MOCK 15–20 ms → 8–11 ms on the same machine). The young
// generation may then take up to 3 × 64 MB, committed only as it is used.
export const WEB_NODE_FLAGS = ["--max-semi-space-size=64"] as const;

/** The flags for a process started from server/main/<name>.ts. */
export const nodeFlagsFor = (name: string): string[] => (name === "web" ? [...WEB_NODE_FLAGS] : []);
