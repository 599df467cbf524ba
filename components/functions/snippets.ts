// Code shown in the console for functions (kept in one place so the README and the console agree).

/** The ten-line adapter: an existing Lambda handler behind a function URL, verified with standardwebhooks. */
export function adapterSnippet(): string {
  return `import http from "node:http";
import { Webhook } from "standardwebhooks";
import { handler } from "./index.mjs"; // your Lambda handler, unchanged

const wh = new Webhook(process.env.SIGNALBOX_FUNCTION_SECRET);
http.createServer(async (req, res) => {
  let body = ""; for await (const c of req) body += c;
  try { wh.verify(body, req.headers); } catch { res.writeHead(401).end(); return; }
  const context = { awsRequestId: req.headers["lambda-runtime-aws-request-id"], invokedFunctionArn: req.headers["lambda-runtime-invoked-function-arn"], getRemainingTimeInMillis: () => Number(req.headers["lambda-runtime-deadline-ms"]) - Date.now() };
  try { const out = JSON.stringify((await handler(JSON.parse(body), context)) ?? null); res.writeHead(200, { "content-type": "application/json" }).end(out); }
  catch (e) { res.writeHead(200, { "content-type": "application/json", "x-amz-function-error": "Unhandled" }).end(JSON.stringify({ errorType: e.name, errorMessage: e.message })); }
}).listen(process.env.PORT ?? 8080);`;
}

export function invokeSnippet(name: string, endpoint: string): string {
  return `aws lambda invoke --endpoint-url ${endpoint}/api/aws \\
  --function-name ${name} --cli-binary-format raw-in-base64-out \\
  --payload '{"hello":"world"}' out.json`;
}
