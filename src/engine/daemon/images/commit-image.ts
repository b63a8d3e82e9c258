/**
 * A new image from a parent image, one layer and config changes: `docker commit` and each
 * step of the Dockerfile builder. As dockerd's NewChildImage: the parent's history gains one
 * entry, its rootfs the layer unless the layer is empty (then the entry is `empty_layer`),
 * platform fields come from the parent, and the image records the parent as its Parent.
 */
import { applyConfigChanges } from './config-changes.js';
import { fullContainerConfig } from './container-config.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import type { ContainerConfig, HistoryEntry, ImageConfig, Platform } from './image-types.js';
import { hostPlatform } from './platform.js';

/** Diff id of an empty tar (two zero blocks): a layer that changes nothing. */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export interface CommitImageOptions {
  /** Parent image (id or name); none for an image from scratch. */
  parent?: string;
  /** The new layer's diff id (already in the layer store); none or empty: no layer. */
  diffId?: string;
  /** The new image's container config (for commit: the container's, merged as in mergeContainerConfig). */
  config: ContainerConfig;
  /** Dockerfile-syntax changes applied on top of `config`. */
  changes?: readonly string[];
  /** Config of the container the layer came from (`container_config`); its Cmd is the history's created_by. */
  containerConfig?: ContainerConfig;
  containerId?: string;
  author?: string;
  comment?: string;
  /** History `created_by`; default: the container config's Cmd joined by spaces. */
  createdBy?: string;
  /** Platform when there is no parent. */
  platform?: Platform;
  engineVersion?: string;
  /** `repo[:tag]` to tag the result with. */
  reference?: string;
}

export interface CommitImageResult {
  image: ImageRecord;
  reference?: string;
}

/** Stores the child image and tags it when asked. */
export function commitImage(store: ImageStore, options: CommitImageOptions): CommitImageResult {
  const parent = options.parent ? store.resolve(options.parent) : undefined;
  const parentConfig = parent ? store.config(parent.id) : undefined;
  const config = applyConfigChanges(options.config, options.changes ?? []);
  const empty = !options.diffId || options.diffId === EMPTY_LAYER_DIFF_ID;
  const created = store.clock().toISOString();
  const containerConfig = options.containerConfig ?? {};
  const history: HistoryEntry = { created };
  if (options.author) history.author = options.author;
  const createdBy = options.createdBy ?? (containerConfig.Cmd ?? []).join(' ');
  if (createdBy) history.created_by = createdBy;
  if (options.comment) history.comment = options.comment;
  if (empty) history.empty_layer = true;
  const platform = options.platform ?? hostPlatform();
  const image: ImageConfig = {
    architecture: parentConfig?.architecture ?? platform.architecture,
    ...(options.author ? { author: options.author } : {}),
    ...(options.comment ? { comment: options.comment } : {}),
    config: fullContainerConfig(config),
    ...(options.containerId ? { container: options.containerId } : {}),
    container_config: fullContainerConfig(containerConfig),
    created,
    docker_version: options.engineVersion ?? '',
    history: [...(parentConfig?.history ?? []), history],
    os: parentConfig?.os ?? platform.os,
    rootfs: {
      type: 'layers',
      diff_ids: [...(parentConfig?.rootfs.diff_ids ?? []), ...(empty ? [] : [options.diffId!])],
    },
  };
  const variant = parentConfig ? parentConfig.variant : platform.variant;
  if (variant) image.variant = variant;
  if (parentConfig?.['os.version']) image['os.version'] = parentConfig['os.version'];
  const record = store.createImage({ config: image, parent: parent?.id });
  const result: CommitImageResult = { image: record };
  if (options.reference) result.reference = store.tag(record.id, options.reference);
  return result;
}

/**
 * dockerd's merge for `POST /commit`: fields the request left empty are taken from the
 * container's config (Env and Labels merged key by key, ports and volumes unioned).
 */
export function mergeContainerConfig(user: ContainerConfig, container: ContainerConfig): ContainerConfig {
  const out: ContainerConfig = structuredClone(user);
  if (!out.User) out.User = container.User;
  out.ExposedPorts = { ...(container.ExposedPorts ?? {}), ...(out.ExposedPorts ?? {}) };
  const env = [...(out.Env ?? [])];
  const keys = new Set(env.map((e) => e.split('=')[0]));
  for (const entry of container.Env ?? []) if (!keys.has(entry.split('=')[0])) env.push(entry);
  out.Env = env.length > 0 ? env : (container.Env ?? null);
  out.Labels = { ...(container.Labels ?? {}), ...(out.Labels ?? {}) };
  if (!out.Entrypoint || out.Entrypoint.length === 0) {
    if (!out.Cmd || out.Cmd.length === 0) {
      out.Cmd = container.Cmd;
      if (container.ArgsEscaped) out.ArgsEscaped = container.ArgsEscaped;
    }
    if (out.Entrypoint == null) out.Entrypoint = container.Entrypoint;
  }
  if (container.Healthcheck) out.Healthcheck = { ...container.Healthcheck, ...(out.Healthcheck ?? {}) };
  if (!out.WorkingDir) out.WorkingDir = container.WorkingDir;
  out.Volumes = { ...(container.Volumes ?? {}), ...(out.Volumes ?? {}) };
  if (!out.StopSignal) out.StopSignal = container.StopSignal;
  return out;
}
