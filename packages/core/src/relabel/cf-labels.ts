/**
 * The Cloud Foundry labels stamped on every sample of an instance (the original promfetcher's set and
 * order): organization_id, space_id, app_id, organization_name, space_name, app_name; then `index` and
 * `instance_id` (both the instance index) when the index is known; then `instance` (the address scraped)
 * when known.
 */
import type { Label, Labels } from '../exposition/model.js';

export const CF_LABEL_NAMES: readonly string[] = Object.freeze([
  'organization_id',
  'space_id',
  'app_id',
  'organization_name',
  'space_name',
  'app_name',
  'index',
  'instance_id',
  'instance',
]);

export interface CfIdentity {
  readonly organizationId: string;
  readonly spaceId: string;
  readonly appId: string;
  readonly organizationName: string;
  readonly spaceName: string;
  readonly appName: string;
  /** The instance index; `index` and `instance_id` are written only when it is set and not empty. */
  readonly index?: string;
  /** The address scraped (`ip:port`); `instance` is written only when it is set and not empty. */
  readonly instance?: string;
}

function label(name: string, value: string): Label {
  return Object.freeze({ name, value });
}

/** Builds the labels once per instance; relabel appends these very objects to every sample. */
export function cfLabelsFor(identity: CfIdentity): Labels {
  const labels: Label[] = [
    label('organization_id', identity.organizationId),
    label('space_id', identity.spaceId),
    label('app_id', identity.appId),
    label('organization_name', identity.organizationName),
    label('space_name', identity.spaceName),
    label('app_name', identity.appName),
  ];
  if (identity.index !== undefined && identity.index !== '') {
    labels.push(label('index', identity.index), label('instance_id', identity.index));
  }
  if (identity.instance !== undefined && identity.instance !== '') {
    labels.push(label('instance', identity.instance));
  }
  return Object.freeze(labels);
}
