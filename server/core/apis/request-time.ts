// `$context.requestTime` / `requestContext.requestTime`: API Gateway's CLF-style time, e.g.
// "02/Dec/2026:16:40:05 +0000". Every gateway request and WebSocket event formats one, and the text
// changes once a second, so the last second's text is kept.

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const pad2 = (n: number) => String(n).padStart(2, "0");
let lastSecond = NaN;
let lastText = "";

export function requestTime(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second === lastSecond) return lastText;
  lastSecond = second;
  lastText = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
  return lastText;
}
