/** The catalog's fixed texts, as the Go promfetcher had them (cloudfoundry-protocols §3.9). */
export const SERVICE_NAME = 'promfetcher';
export const PLAN_NAME = 'fetch-app';

export interface CatalogIds {
  readonly serviceId: string;
  readonly planId: string;
  /** Public URL of promfetcher, without a trailing `/`. */
  readonly baseUrl: string;
}

/** `GET /v2/catalog`: one bindable service with one free plan; bindings and instances retrievable. */
export function brokerCatalog(ids: CatalogIds): { services: unknown[] } {
  return {
    services: [
      {
        id: ids.serviceId,
        name: SERVICE_NAME,
        description: 'Fetch your prometheus metrics on each instance of your app',
        bindable: true,
        instances_retrievable: true,
        bindings_retrievable: true,
        plan_updateable: false,
        tags: [],
        requires: [],
        metadata: {
          displayName: 'promfetcher',
          longDescription: 'Fetch your prometheus metrics on each instance of your app.',
          documentationUrl: `${ids.baseUrl}/doc`,
          providerDisplayName: 'Orange',
        },
        plans: [
          {
            id: ids.planId,
            name: PLAN_NAME,
            description:
              'Fetch your prometheus metrics on each instance of your app by setting an endpoint to scrap',
            free: true,
            bindable: true,
            metadata: { displayName: PLAN_NAME },
          },
        ],
      },
    ],
  };
}
