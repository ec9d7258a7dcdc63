import { CF_LABEL_NAMES, cfLabelsFor, type CfIdentity } from './cf-labels.js';

const app: CfIdentity = {
  organizationId: 'org-guid',
  spaceId: 'space-guid',
  appId: 'app-guid',
  organizationName: 'org',
  spaceName: 'dev',
  appName: 'shop',
};

describe('cfLabelsFor', () => {
  it('writes the app labels in the original order', () => {
    expect(cfLabelsFor(app)).toEqual([
      { name: 'organization_id', value: 'org-guid' },
      { name: 'space_id', value: 'space-guid' },
      { name: 'app_id', value: 'app-guid' },
      { name: 'organization_name', value: 'org' },
      { name: 'space_name', value: 'dev' },
      { name: 'app_name', value: 'shop' },
    ]);
  });

  it('adds index and instance_id (both the index) and instance when known', () => {
    const labels = cfLabelsFor({ ...app, index: '2', instance: '10.0.0.5:61000' });
    expect(labels.map((l) => l.name)).toEqual(CF_LABEL_NAMES);
    expect(labels.slice(6)).toEqual([
      { name: 'index', value: '2' },
      { name: 'instance_id', value: '2' },
      { name: 'instance', value: '10.0.0.5:61000' },
    ]);
  });

  it('adds instance without an index, and nothing for empty values', () => {
    expect(
      cfLabelsFor({ ...app, instance: '10.0.0.5:8080' })
        .map((l) => l.name)
        .slice(6),
    ).toEqual(['instance']);
    expect(cfLabelsFor({ ...app, index: '', instance: '' })).toHaveLength(6);
    expect(
      cfLabelsFor({ ...app, index: '0' })
        .map((l) => l.value)
        .slice(6),
    ).toEqual(['0', '0']);
  });

  it('returns frozen labels', () => {
    const labels = cfLabelsFor(app);
    expect(Object.isFrozen(labels)).toBe(true);
    expect(Object.isFrozen(labels[0])).toBe(true);
    expect(Object.isFrozen(CF_LABEL_NAMES)).toBe(true);
  });
});
