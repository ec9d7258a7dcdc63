/**
 * External exporters (spec §3.8): extra scrape targets, one per distinct app per exporter, whose query
 * parameters are Go-template-like strings filled from the app's tags.
 *
 * Supported: `{{.Field}}` (spaces inside the braces allowed) for AppID, AppName, SpaceName, SpaceID,
 * OrganizationName, OrganizationID, SourceID, ProcessType (= `external_exporter`), Component
 * (= `promfetcher`), and ProcessInstanceID, InstanceID, ProcessID (always empty for exporters, as in the
 * original). Any other template syntax is an error for that exporter. The rendered parameters are merged
 * into the query of `metricsPath` (an exporter key replaces the same key already there) and written with
 * keys sorted, like Go's `url.Values.Encode`.
 */
import { ConfigError } from '../errors.js';
import type { AppLabels } from '../ports/telemetry.js';
import { err, ok, type Result } from '../result.js';

export interface ExternalExporter {
  /** A short, stable name (it becomes the `exporter` label of promfetcher's own series). */
  readonly name: string;
  /** `host:port`. */
  readonly host: string;
  readonly scheme: 'http' | 'https';
  /** Path, optionally with its own `?query`. */
  readonly metricsPath: string;
  /** Query key → value templates. */
  readonly params: Readonly<Record<string, readonly string[]>>;
}

/** What the templates can read: the app's labels and its `source_id` tag. */
export interface ExporterApp extends AppLabels {
  readonly sourceId: string;
}

const FIELD = /\{\{\s*\.([A-Za-z]+)\s*\}\}/g;

function templateData(app: ExporterApp): Readonly<Record<string, string>> {
  return {
    AppID: app.appId,
    AppName: app.appName,
    SpaceName: app.spaceName,
    SpaceID: app.spaceId,
    OrganizationName: app.organizationName,
    OrganizationID: app.organizationId,
    SourceID: app.sourceId,
    ProcessType: 'external_exporter',
    Component: 'promfetcher',
    ProcessInstanceID: '',
    InstanceID: '',
    ProcessID: '',
  };
}

/** Renders one parameter value; an unknown field or other template syntax is a ConfigError. */
export function renderParam(template: string, app: ExporterApp, path: string): Result<string, ConfigError> {
  if (!template.includes('{{')) return ok(template);
  const data = templateData(app);
  let unknown: string | undefined;
  const out = template.replace(FIELD, (_match: string, field: string) => {
    const value = data[field];
    if (value === undefined) unknown ??= field;
    return value ?? '';
  });
  if (unknown !== undefined) return err(new ConfigError(path, `unknown template field ".${unknown}"`));
  if (out.includes('{{')) return err(new ConfigError(path, 'unsupported template syntax'));
  return ok(out);
}

/** The exporter's URL for `app`: `scheme://host/path?merged-query`. */
export function exporterUrl(exporter: ExternalExporter, app: ExporterApp): Result<string, ConfigError> {
  const path = exporter.metricsPath.startsWith('/') ? exporter.metricsPath : `/${exporter.metricsPath}`;
  const q = path.indexOf('?');
  const query = new Map<string, string[]>();
  if (q >= 0) {
    for (const [key, value] of new URLSearchParams(path.slice(q + 1))) {
      const values = query.get(key);
      if (values === undefined) query.set(key, [value]);
      else values.push(value);
    }
  }
  for (const [key, templates] of Object.entries(exporter.params)) {
    const values: string[] = [];
    for (const template of templates) {
      const rendered = renderParam(template, app, `external_exporters.${exporter.name}.params.${key}`);
      if (!rendered.ok) return rendered;
      values.push(rendered.value);
    }
    query.set(key, values);
  }
  const pairs: [string, string][] = [];
  for (const key of [...query.keys()].sort()) for (const value of query.get(key)!) pairs.push([key, value]);
  const search = new URLSearchParams(pairs).toString();
  const base = q >= 0 ? path.slice(0, q) : path;
  return ok(`${exporter.scheme}://${exporter.host}${base}${search === '' ? '' : `?${search}`}`);
}
