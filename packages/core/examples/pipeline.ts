import { cfLabelsFor, mergeExpositions, parseText, relabel, serialize } from '@promfetcher/core';

// Two instances of one app, as they expose themselves.
const bodies = [
  '# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 10\n',
  '# TYPE http_requests_total counter\nhttp_requests_total{code="200"} 7\n',
];

const parts = bodies.map((body, index) => {
  const parsed = parseText(body);
  if (!parsed.ok) throw parsed.error; // an ExpositionParseError naming the line and the reason
  const labels = cfLabelsFor({
    organizationId: 'org-guid',
    spaceId: 'space-guid',
    appId: 'app-guid',
    organizationName: 'acme',
    spaceName: 'prod',
    appName: 'shop',
    index: String(index),
    instance: `10.0.0.${index + 1}:8080`,
  });
  return relabel(parsed.value, labels);
});

const { exposition, droppedSamples } = mergeExpositions(parts);
export const merged = serialize(exposition, 'openmetrics-1.0.0');
export const dropped = droppedSamples;
