"use client";
import { useMemo, useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { FlaskConical } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  CodeBlock,
  FormField,
  Select,
  Textarea,
} from "@/components/ui";
import { useTRPC } from "@/lib/trpc";
import { findState, parseDefinition, allStateNames } from "./asl-graph";
import { prettyJson } from "./execution-model";
import type { MachineDetail } from "./types";

/** TestState: run one state of the machine with an input and see its output, next state and data at each step. */
export function TestStatePanel({
  tenant,
  machine,
  canWrite,
}: {
  tenant: string;
  machine: MachineDetail;
  canWrite: boolean;
}) {
  const trpc = useTRPC();
  const def = useMemo(() => parseDefinition(machine.definition).definition, [machine.definition]);
  const names = useMemo(() => (def ? allStateNames(def) : []), [def]);
  const [stateName, setStateName] = useState(names[0] ?? "");
  const [input, setInput] = useState('{\n  "amount": 42\n}');
  const stateJson = useMemo(() => {
    const found = def && stateName ? findState(def, stateName) : null;
    return found ? JSON.stringify(found.state, null, 2) : "";
  }, [def, stateName]);
  const [edited, setEdited] = useState<string | null>(null);
  const [mockResult, setMockResult] = useState("");
  const text = edited ?? stateJson;
  const run = useMutation(trpc.workflows.testState.mutationOptions());
  const r = run.data;
  const language = def?.QueryLanguage;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card>
        <CardHeader
          title="Test a state"
          description="Runs one state with your input, without starting an execution (TestState)."
        />
        <CardBody className="space-y-4">
          <FormField label="State">
            <Select
              value={stateName}
              onChange={(e) => {
                setStateName(e.target.value);
                setEdited(null);
              }}
            >
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField label="State definition" hint="Edit it here to try a change; the machine is not changed.">
            <Textarea rows={8} spellCheck={false} value={text} onChange={(e) => setEdited(e.target.value)} />
          </FormField>
          <FormField label="Input (JSON)">
            <Textarea
              rows={5}
              spellCheck={false}
              value={input}
              onChange={(e) => setInput(e.target.value)}
              aria-label="Test input"
            />
          </FormField>
          <FormField
            label="Mock result (JSON, optional)"
            hint="Stands in for the state's work, as TestState's mock: needed for Map and Parallel states; a mocked Task calls nothing."
          >
            <Textarea
              rows={3}
              spellCheck={false}
              value={mockResult}
              placeholder='e.g. ["a", "b"]'
              onChange={(e) => setMockResult(e.target.value)}
              aria-label="Mock result"
            />
          </FormField>
          <Button
            disabled={!canWrite || !text}
            loading={run.isPending}
            onClick={() => {
              let state = text;
              // A state tested alone keeps the machine's query language.
              try {
                const s = JSON.parse(text) as Record<string, unknown>;
                if (language && !s.QueryLanguage) state = JSON.stringify({ ...s, QueryLanguage: language });
              } catch {
                // The server answers with the syntax error.
              }
              run.mutate({
                tenant,
                definition: state,
                input,
                roleArn: machine.roleArn,
                ...(mockResult.trim() ? { mockResult } : {}),
              });
            }}
          >
            <FlaskConical className="h-4 w-4" aria-hidden />
            Test state
          </Button>
          {!canWrite && <p className="text-xs text-gray-500">Your role can read this machine but not run states.</p>}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Result" />
        <CardBody className="space-y-3" data-testid="test-state-result">
          {run.error ? (
            <Alert tone="danger" title="The test did not run">
              {run.error.message}
            </Alert>
          ) : !r ? (
            <p className="text-sm text-gray-500">Pick a state, give it an input and run it.</p>
          ) : (
            <>
              <div className="flex flex-wrap items-center gap-2">
                <Badge
                  tone={
                    r.status === "SUCCEEDED"
                      ? "success"
                      : r.status === "CAUGHT_ERROR" || r.status === "RETRIABLE"
                        ? "warning"
                        : "danger"
                  }
                >
                  {r.status}
                </Badge>
                {r.nextState && <span className="text-sm text-gray-600">Next: {r.nextState}</span>}
              </div>
              {r.error && (
                <Alert tone="danger" title={r.error}>
                  {r.cause}
                </Alert>
              )}
              {r.output != null && <CodeBlock title="Output" code={prettyJson(r.output)} />}
              {r.inspectionData &&
                Object.entries(r.inspectionData).map(([k, v]) => (
                  <CodeBlock
                    key={k}
                    title={k}
                    code={typeof v === "string" ? prettyJson(v) : JSON.stringify(v, null, 2)}
                  />
                ))}
            </>
          )}
        </CardBody>
      </Card>
    </div>
  );
}
