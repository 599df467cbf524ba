// Public surface of the EventBridge event-pattern engine (seam 2 in the event-bus work): compile a
// pattern once (PutRule, PutTargets' archive patterns, TestEventPattern), evaluate it many times.
// Pure code: no I/O, usable from the console's pattern sandbox as well as the server.
//
//   compilePattern(json)            → CompiledPattern, or throws PatternError whose `message` is
//                                     AWS's whole InvalidEventPatternException message
//   matchPattern(p, event)          → boolean (event = the parsed envelope: source, detail-type, detail…)
//   explainMatch(p, event)          → { matched, reasons: [{ path, expected, actual, matched, why }] }
//   new PatternIndex<T>()           → add(id, p) / remove(id) / match(event): T[] (only candidates
//                                     are evaluated; exact result)
//   parseTestEvent(json)            → TestEventPattern's Event, or throws TestEventError
//                                     ("Parameter Event is not valid.", a ValidationException)

export { compilePattern, MAX_EVENT_PATTERN_LENGTH } from "./compile";
export { matchPattern, explainMatch } from "./match";
export { PatternIndex } from "./pattern-index";
export { PatternError, PATTERN_ERROR_PREFIX } from "./json-reader";
export { NUMBER_LIMIT } from "./numbers";
export { parseTestEvent, TestEventError, TEST_EVENT_REQUIRED_FIELDS } from "./test-event";
export { MAX_WILDCARD_COMPLEXITY } from "./wildcard";
export type { CompiledPattern, MatchReason, MatchExplanation, Matcher, PatternNode } from "./types";
