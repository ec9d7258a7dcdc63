import type { RouteSourceTelemetry } from '@promfetcher/adapter-gorouter';
import { PromTelemetry } from '../src/telemetry/prom-telemetry.js';

describe('PromTelemetry as the route sources see it', () => {
  it("implements adapter-gorouter's RouteSourceTelemetry structurally", async () => {
    const telemetry: RouteSourceTelemetry = new PromTelemetry({ defaultMetrics: false });
    telemetry.messageRejected('route-service-url-not-https');
    telemetry.tableUpdated('nats', 0, 1);
    const body = (await (telemetry as PromTelemetry).exposition()).body;
    expect(body).toContain(
      'promfetcher_route_messages_rejected_total{reason="route-service-url-not-https"} 1',
    );
  });
});
