import { jsonErrorReply } from "../codec";
import type { AwsAction, AwsService } from "../types";
import { eventsActions } from "./actions";
import { archiveActions } from "./archive.actions";

// Amazon EventBridge on /api/aws: AWS JSON 1.1, X-Amz-Target: AWSEvents.<Action>, SigV4 scope
// "events". Its actions are events' own plus those other helpers contribute (contracts.md seam 7:
// connectionActions from connections.actions.ts, archiveActions from archive.actions.ts), each
// spread in with one line here.

const actions = new Map<string, AwsAction>([...eventsActions, ...archiveActions]);

export const eventsService: AwsService = {
  name: "events",
  targetPrefix: "AWSEvents",
  actions,
  renderError: (err, c) =>
    jsonErrorReply(err, c.requestId, {
      namespace: "com.amazonaws.events",
      contentType: "application/x-amz-json-1.1",
    }),
};
