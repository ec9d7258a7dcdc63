/** A minimal Open Service Broker client over real HTTP, for the e2e tests (the broker is at `<url>/broker`). */

export interface OsbAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface OsbIds {
  readonly serviceId: string;
  readonly planId: string;
}

export class E2eOsbClient {
  readonly #auth: string;
  readonly #baseUrl: string;

  /** `baseUrl`: the server's URL (`http://127.0.0.1:<port>`). */
  constructor(baseUrl: string, credentials: { readonly user: string; readonly pass: string }) {
    this.#baseUrl = baseUrl;
    this.#auth = `Basic ${Buffer.from(`${credentials.user}:${credentials.pass}`).toString('base64')}`;
  }

  /** The service and plan ids of the catalog's only service and plan. */
  async catalogIds(): Promise<OsbIds> {
    const answer = await this.request('GET', '/v2/catalog');
    const body = answer.body as { services?: { id: string; plans?: { id: string }[] }[] };
    const service = body.services?.[0];
    const plan = service?.plans?.[0];
    if (answer.status !== 200 || service === undefined || plan === undefined)
      throw new Error(`catalog: ${answer.status} ${JSON.stringify(answer.body)}`);
    return { serviceId: service.id, planId: plan.id };
  }

  provision(instanceId: string, ids: OsbIds, org: string, space: string): Promise<OsbAnswer> {
    return this.request('PUT', `/v2/service_instances/${instanceId}`, {
      service_id: ids.serviceId,
      plan_id: ids.planId,
      organization_guid: org,
      space_guid: space,
    });
  }

  bind(
    instanceId: string,
    bindingId: string,
    ids: OsbIds,
    appGuid: string,
    parameters: Record<string, unknown>,
  ): Promise<OsbAnswer> {
    return this.request('PUT', `/v2/service_instances/${instanceId}/service_bindings/${bindingId}`, {
      service_id: ids.serviceId,
      plan_id: ids.planId,
      bind_resource: { app_guid: appGuid },
      parameters,
    });
  }

  unbind(instanceId: string, bindingId: string, ids: OsbIds): Promise<OsbAnswer> {
    const query = `service_id=${encodeURIComponent(ids.serviceId)}&plan_id=${encodeURIComponent(ids.planId)}`;
    return this.request(
      'DELETE',
      `/v2/service_instances/${instanceId}/service_bindings/${bindingId}?${query}`,
    );
  }

  async request(method: string, path: string, body?: unknown): Promise<OsbAnswer> {
    const response = await fetch(`${this.#baseUrl}/broker${path}`, {
      method,
      headers: {
        authorization: this.#auth,
        'x-broker-api-version': '2.17',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed };
  }
}
