"use client";
import { useState, type ReactNode } from "react";
import { Layers, Plus, Rocket } from "lucide-react";
import {
  Alert,
  Badge,
  Button,
  Card,
  CardBody,
  CardHeader,
  DeleteConfirm,
  EmptyState,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  errorMessageOf,
  type DeleteMutation,
} from "@/components/ui";

// The Stages tab of HTTP and WebSocket APIs: the list of stage cards with "Create stage" (or the
// empty state), each card's header (auto-deploy badge, Deploy, Delete stage with its confirmation),
// and the deployment history. The pages give the URLs, the settings form and the mutations.

type Deployment = { id: string; description: string | null; autoDeployed: boolean; createdDate: string };
type StageHead = { stageName: string; autoDeploy: boolean; deploymentId: string | null };

export function V2StagesPanel({
  stages,
  deployments,
  canWrite,
  emptyDescription,
  createDialog,
  children,
}: {
  stages: StageHead[];
  deployments: Deployment[];
  canWrite: boolean;
  emptyDescription: string;
  /** The create dialog while it is open. */
  createDialog: (close: () => void) => ReactNode;
  /** The stage cards. */
  children: ReactNode;
}) {
  const [creating, setCreating] = useState(false);
  const createButton = canWrite && (
    <Button onClick={() => setCreating(true)}>
      <Plus className="h-4 w-4" aria-hidden />
      Create stage
    </Button>
  );
  return (
    <div className="space-y-6">
      {stages.length === 0 ? (
        <EmptyState
          icon={<Layers className="h-5 w-5" aria-hidden />}
          title="No stages yet"
          description={emptyDescription}
          action={createButton}
        />
      ) : (
        <>
          <div className="flex justify-end">{createButton}</div>
          {children}
        </>
      )}
      <DeploymentHistory deployments={deployments} stages={stages} />
      {creating && createDialog(() => setCreating(false))}
    </div>
  );
}

/** One stage: header with Deploy (stages without auto-deploy) and Delete stage; the page's content below. */
export function V2StageCard<V>({
  testId,
  stage,
  canWrite,
  notDeployed,
  deploy,
  onDeploy,
  del,
  deleteVariables,
  deleteNote,
  urls,
  children,
}: {
  testId: string;
  stage: StageHead;
  canWrite: boolean;
  /** The description while no deployment is served. */
  notDeployed: string;
  deploy: { isPending: boolean; error: unknown };
  onDeploy: () => void;
  del: DeleteMutation<V>;
  deleteVariables: V;
  deleteNote: ReactNode;
  /** Where the stage answers (its CopyFields). */
  urls: ReactNode;
  /** The settings form. */
  children: ReactNode;
}) {
  const [deleting, setDeleting] = useState(false);
  return (
    <Card data-testid={testId}>
      <CardHeader
        title={
          <span className="inline-flex items-center gap-2">
            Stage {stage.stageName}
            {stage.autoDeploy ? <Badge tone="success">auto-deploy</Badge> : <Badge tone="neutral">manual</Badge>}
          </span>
        }
        description={stage.deploymentId ? `Serves deployment ${stage.deploymentId}` : notDeployed}
        actions={
          canWrite && (
            <>
              {!stage.autoDeploy && (
                <Button size="sm" loading={deploy.isPending} onClick={onDeploy}>
                  <Rocket className="h-4 w-4" aria-hidden />
                  Deploy
                </Button>
              )}
              <Button size="sm" variant="ghost" className="text-red-700" onClick={() => setDeleting(true)}>
                Delete stage
              </Button>
            </>
          )
        }
      />
      <CardBody className="space-y-5">
        {urls}
        {!!deploy.error && <Alert tone="danger">{errorMessageOf(deploy.error) ?? "Deploy failed."}</Alert>}
        {children}
      </CardBody>
      <DeleteConfirm
        item={deleting ? stage : null}
        onClose={() => setDeleting(false)}
        mutation={del}
        variables={() => deleteVariables}
        title={(s) => `Delete stage ${s.stageName}?`}
        confirmLabel="Delete stage"
      >
        {deleteNote}
      </DeleteConfirm>
    </Card>
  );
}

/** Newest first; the badge shows which stage serves each deployment. */
function DeploymentHistory({
  deployments,
  stages,
}: {
  deployments: { id: string; description: string | null; autoDeployed: boolean; createdDate: string }[];
  stages: { stageName: string; deploymentId: string | null }[];
}) {
  if (!deployments.length) return null;
  return (
    <Card>
      <CardHeader title="Deployment history" description="Newest first; the badge shows which stage serves each." />
      <Table aria-label="Deployments">
        <THead>
          <tr>
            <Th>Deployment</Th>
            <Th>Description</Th>
            <Th>Deployed</Th>
            <Th>Stages</Th>
          </tr>
        </THead>
        <TBody>
          {deployments.slice(0, 20).map((d) => (
            <Tr key={d.id}>
              <Td className="font-mono text-xs">{d.id}</Td>
              <Td className="text-sm text-gray-700">{d.autoDeployed ? "Automatic" : (d.description ?? "—")}</Td>
              <Td className="text-sm whitespace-nowrap text-gray-700">{new Date(d.createdDate).toLocaleString()}</Td>
              <Td>
                {stages
                  .filter((s) => s.deploymentId === d.id)
                  .map((s) => (
                    <Badge key={s.stageName} tone="success" className="mr-1">
                      {s.stageName}
                    </Badge>
                  ))}
              </Td>
            </Tr>
          ))}
        </TBody>
      </Table>
    </Card>
  );
}
