import { ConfigError } from '../errors.js';
import { exporterUrl, renderParam, type ExporterApp, type ExternalExporter } from './external-exporter.js';

const app: ExporterApp = {
  organizationId: 'org-id',
  spaceId: 'space-id',
  appId: 'app-id',
  organizationName: 'acme',
  spaceName: 'prod',
  appName: 'shop',
  sourceId: 'source-id',
};

function exporter(overrides: Partial<ExternalExporter> = {}): ExternalExporter {
  return {
    name: 'e',
    host: 'exp.example.com:8086',
    scheme: 'http',
    metricsPath: '/metrics',
    params: {},
    ...overrides,
  };
}

describe('renderParam', () => {
  it.each([
    ['plain', 'plain'],
    ['{{.AppID}}', 'app-id'],
    ['{{ .AppName }}-{{.SpaceName}}-{{.SpaceID}}', 'shop-prod-space-id'],
    ['{{.OrganizationName}}/{{.OrganizationID}}/{{.SourceID}}', 'acme/org-id/source-id'],
    ['{{.ProcessType}}:{{.Component}}', 'external_exporter:promfetcher'],
    ['[{{.InstanceID}}{{.ProcessInstanceID}}{{.ProcessID}}]', '[]'],
  ])('%s → %s', (template, expected) => {
    expect(renderParam(template, app, 'p')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['{{.Nope}}', 'p: unknown template field ".Nope"'],
    ['{{if .AppID}}x{{end}}', 'p: unsupported template syntax'],
  ])('refuses %s', (template, message) => {
    const r = renderParam(template, app, 'p');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toBeInstanceOf(ConfigError);
      expect(r.error.message).toBe(message);
    }
  });
});

describe('exporterUrl', () => {
  it('adds a leading slash and no empty query', () => {
    expect(exporterUrl(exporter({ metricsPath: 'metrics' }), app)).toEqual({
      ok: true,
      value: 'http://exp.example.com:8086/metrics',
    });
  });

  it('merges rendered params into the path query, replacing keys, sorted like Go', () => {
    const r = exporterUrl(
      exporter({
        scheme: 'https',
        metricsPath: '/v1/metrics?z=1&source_id[]=old&z=2',
        params: { 'source_id[]': ['{{.AppID}}', 'x y'], a: ['1'] },
      }),
      app,
    );
    expect(r).toEqual({
      ok: true,
      value: 'https://exp.example.com:8086/v1/metrics?a=1&source_id%5B%5D=app-id&source_id%5B%5D=x+y&z=1&z=2',
    });
  });

  it('names the exporter and key in a template error', () => {
    const r = exporterUrl(exporter({ name: 'logs', params: { k: ['{{.X}}'] } }), app);
    expect(!r.ok && r.error.path).toBe('external_exporters.logs.params.k');
  });
});
