/**
 * A plan: the steps that take the engine from what it holds to what the project asks, as a
 * DAG (`after` names the steps each one waits for), each with a reason a person can read.
 * Pure data, built by reconcile.ts, printed by `dev plan`, walked by engine/execute.ts.
 */
import type { ServiceConfig } from '../model/service.js';

interface StepBase {
  /** Unique within the plan: `image:pull:nginx:1.25`, `container:web:1:create`, … */
  id: string;
  /** Ids of the steps that must finish first. */
  after: string[];
  /** Why: "missing", "config changed: environment.DEBUG", "scaled 3 → 2", "orphan", "up to date". */
  reason: string;
}

/** Pull an image some services use. */
export interface PullImageStep extends StepBase {
  kind: 'pull-image';
  image: string;
  services: string[];
}

/** Build a service's image and tag it. */
export interface BuildImageStep extends StepBase {
  kind: 'build-image';
  service: string;
  /** Tag of the result: the service's `image`, or `<project>-<service>`. */
  image: string;
}

export interface CreateNetworkStep extends StepBase {
  kind: 'create-network';
  /** Key in the compose file. */
  network: string;
  /** Engine name. */
  name: string;
}

export interface CreateVolumeStep extends StepBase {
  kind: 'create-volume';
  volume: string;
  name: string;
}

/** Create one container of a service (and start it, unless `start` is false). */
export interface CreateContainerStep extends StepBase {
  kind: 'create-container';
  service: string;
  number: number;
  /** Container name. */
  name: string;
  /** The container this one replaces (recreate): it is stopped, renamed, then removed once the new one exists. */
  replaces?: { id: string; name: string };
  /** Fields whose change forces the recreate (`environment.DEBUG`, `image`); empty for other reasons. */
  changes?: string[];
  /** The recreate is due only to a new image for the same config. */
  imageOnly?: boolean;
  /** The recreate is due only to how this version of dev hashes configs. */
  toolUpgrade?: boolean;
  /**
   * The service's image is (re)built or pulled in this plan and the container is otherwise up to
   * date: replace it only if the image id after the build/pull differs from the one the container
   * runs; otherwise keep it (and start it when `start` is true and it is stopped).
   */
  onlyIfImageChanged?: boolean;
  start: boolean;
}

/** Start an existing container that is stopped. */
export interface StartContainerStep extends StepBase {
  kind: 'start-container';
  service: string;
  number: number;
  name: string;
  containerId: string;
}

/** Restart a running container (a `restart: true` dependency was recreated or restarted). */
export interface RestartContainerStep extends StepBase {
  kind: 'restart-container';
  service: string;
  number: number;
  name: string;
  containerId: string;
  /**
   * Set when every cause is a conditional recreate (`onlyIfImageChanged`): the ids of those
   * steps; restart only if at least one of them did replace its container.
   */
  onlyIfReplaced?: string[];
}

export interface StopContainerStep extends StepBase {
  kind: 'stop-container';
  service: string;
  name: string;
  containerId: string;
}

/** Stop (if running) and remove a container: scale down, orphan, `down`. */
export interface RemoveContainerStep extends StepBase {
  kind: 'remove-container';
  service: string;
  name: string;
  containerId: string;
  /** Also remove its anonymous volumes (`down --volumes`). */
  volumes?: boolean;
}

export interface RemoveNetworkStep extends StepBase {
  kind: 'remove-network';
  name: string;
}

export interface RemoveVolumeStep extends StepBase {
  kind: 'remove-volume';
  name: string;
}

export interface RemoveImageStep extends StepBase {
  kind: 'remove-image';
  image: string;
}

/** Wait until every container of `service` meets `condition` (depends_on). */
export interface WaitServiceStep extends StepBase {
  kind: 'wait-service';
  service: string;
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  /** false for `required: false` dependencies: failing to meet the condition only warns. */
  required: boolean;
}

/** Nothing to do for a container; listed so that `dev plan` shows the whole picture. */
export interface KeepContainerStep extends StepBase {
  kind: 'keep-container';
  service: string;
  number: number;
  name: string;
  containerId: string;
}

export type Step =
  | PullImageStep
  | BuildImageStep
  | CreateNetworkStep
  | CreateVolumeStep
  | CreateContainerStep
  | StartContainerStep
  | RestartContainerStep
  | StopContainerStep
  | RemoveContainerStep
  | RemoveNetworkStep
  | RemoveVolumeStep
  | RemoveImageStep
  | WaitServiceStep
  | KeepContainerStep;

export type StepKind = Step['kind'];

/** The plan and what it was made for. */
export interface Plan {
  project: string;
  /** In an order the DAG allows (every step after the steps it waits for). */
  steps: Step[];
  /** The services the plan touches, dependencies first (reconcile); absent for other plans. */
  services?: string[];
  /** Containers of services not in the project: listed, removed only with `--remove-orphans`. */
  orphans: { id: string; name: string; service: string }[];
  /** Things worth saying that are not steps (an external network to check, an ignored flag). */
  warnings: string[];
}

/** What the executor needs to create containers: the project's services by name. */
export type ServiceLookup = (service: string) => ServiceConfig | undefined;
