// Flags for the Node processes Signalbox starts (`npm start`'s supervisor and the benchmarks use
// these, so what is measured is what runs; `npm run start:web` in package.json repeats them).
//
// The web process answers every request on one event loop, and its longest pauses under load are
// young-generation collections (scavenges), whose length is what they copy: what is still alive.
//
// --max-semi-space-size=64: at 1,000 gateway requests/s the default 16 MB semi-space filled about
// three times a second, each scavenge holding the loop 10–30 ms on a 2-core machine; with 64 MB they
// come about four times less often (`npm run bench:apis`: gateway p99 halved or better). The young
// generation may then take up to 3 × 64 MB, committed only as it is used.
//
// --no-allocation-site-pretenuring: V8 watches each allocation site and, when most of its objects
// survive a scavenge, starts allocating that site's objects straight in the old generation. Under a
// steady request load it made that decision for per-request objects (a request's objects are alive
// at whichever scavenge lands while it is in flight, and the site's survival rate is counted over
// few samples), so request state was born old, died at once, and stayed there as garbage until the
// next full collection; worse, a dead old object's pointers to young objects count as roots for the
// scavenger, so each one kept younger request state alive too. Measured with a GC observer in the
// web process during `npm run bench:apis` (1,000 requests/s): with pretenuring the old generation
// grew 0.65 MB/s and each scavenge copied 1.2–1.4 MB and held the loop 5–8 ms; without it the old
// generation stayed flat and each scavenge copied 0.5–0.7 MB in about 3 ms, and the gateway's added
// p99 fell (HTTP_PROXY 2.9–3.4 → 2.0–2.3 ms, MOCK with a quota plan 2.4–3.6 → 1.3 ms, same hour,
// runs alternated). What it costs: objects that do live long are copied once or twice through the
// young generation before they are promoted, which a server that builds its long-lived state at
// start barely notices.
export const WEB_NODE_FLAGS = ["--max-semi-space-size=64", "--no-allocation-site-pretenuring"] as const;

/** The flags for a process started from server/main/<name>.ts. */
export const nodeFlagsFor = (name: string): string[] => (name === "web" ? [...WEB_NODE_FLAGS] : []);
