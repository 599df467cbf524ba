// Realistic definitions (distributed Map, task tokens, a JSONata workflow) must validate cleanly:
// a false refusal would stop a team from deploying what AWS accepts.

import { expect, it } from "vitest";
import { validateDefinition } from "./validate";
const defs: unknown[] = [
  {
    Comment: "Distributed map over S3",
    StartAt: "Map",
    States: {
      Map: {
        Type: "Map",
        ItemReader: {
          Resource: "arn:aws:states:::s3:getObject",
          ReaderConfig: { InputType: "CSV", CSVHeaderLocation: "FIRST_ROW" },
          Parameters: { Bucket: "b", Key: "k" },
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
          StartAt: "Lambda",
          States: {
            Lambda: {
              Type: "Task",
              Resource: "arn:aws:states:::lambda:invoke",
              OutputPath: "$.Payload",
              Parameters: {
                "Payload.$": "$",
                FunctionName: "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST",
              },
              Retry: [
                {
                  ErrorEquals: [
                    "Lambda.ServiceException",
                    "Lambda.AWSLambdaException",
                    "Lambda.SdkClientException",
                    "Lambda.TooManyRequestsException",
                  ],
                  IntervalSeconds: 1,
                  MaxAttempts: 3,
                  BackoffRate: 2,
                  JitterStrategy: "FULL",
                },
              ],
              End: true,
            },
          },
        },
        MaxConcurrency: 1000,
        Label: "Map",
        ItemBatcher: { MaxItemsPerBatch: 10 },
        ResultWriter: { Resource: "arn:aws:states:::s3:putObject", Parameters: { Bucket: "b", Prefix: "p" } },
        ToleratedFailurePercentage: 5,
        End: true,
      },
    },
  },
  {
    StartAt: "SendWithToken",
    TimeoutSeconds: 3600,
    States: {
      SendWithToken: {
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Parameters: {
          QueueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q",
          MessageBody: { "Message.$": "$.message", "TaskToken.$": "$$.Task.Token" },
        },
        HeartbeatSeconds: 600,
        Catch: [{ ErrorEquals: ["States.Timeout"], Next: "Timeout" }],
        Next: "Check",
      },
      Check: {
        Type: "Choice",
        Choices: [
          { Variable: "$$.Execution.Input.flag", BooleanEquals: true, Next: "Done" },
          { Variable: "$.status", StringEquals: "ok", Next: "Done" },
        ],
        Default: "Timeout",
      },
      Timeout: { Type: "Fail", Error: "Timeout", Cause: "no answer" },
      Done: { Type: "Succeed" },
    },
  },
  {
    Comment: "JSONata sample",
    QueryLanguage: "JSONata",
    StartAt: "Get",
    States: {
      Get: {
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:getItem",
        Arguments: { TableName: "t", Key: { id: { S: "{% $states.input.id %}" } } },
        Assign: { item: "{% $states.result.Item %}", total: "{% $sum($states.input.lines.(qty * price)) %}" },
        Output: "{% $states.input %}",
        Next: "Check",
      },
      Check: {
        Type: "Choice",
        Choices: [{ Condition: "{% $exists($item) and $total > 100 %}", Next: "Big", Assign: { big: true } }],
        Default: "Small",
      },
      Big: { Type: "Wait", Seconds: "{% 5 %}", Next: "Small" },
      Small: {
        Type: "Parallel",
        Branches: [
          {
            StartAt: "P",
            States: { P: { Type: "Pass", Output: { v: "{% $states.input.id & '-' & $string($total) %}" }, End: true } },
          },
        ],
        Catch: [{ ErrorEquals: ["States.ALL"], Output: "{% $states.errorOutput %}", Next: "F" }],
        Next: "Items",
      },
      Items: {
        Type: "Map",
        Items: "{% $states.input.lines %}",
        ItemSelector: { line: "{% $states.context.Map.Item.Value %}", i: "{% $states.context.Map.Item.Index %}" },
        ItemProcessor: { StartAt: "X", States: { X: { Type: "Pass", End: true } } },
        End: true,
      },
      F: { Type: "Fail", Error: "{% $states.input.Error %}", Cause: "{% $states.input.Cause %}" },
    },
  },
];
it.each(defs.map((d, i) => [i, d]))("realistic definition %i has no diagnostics", (_i, d) => {
  const r = validateDefinition(JSON.stringify(d));
  expect(r.diagnostics).toEqual([]);
});
