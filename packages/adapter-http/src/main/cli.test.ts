import { packageVersion, parseCli } from './cli.js';

describe('parseCli', () => {
  it.each([
    [[], {}, { kind: 'run', configFile: undefined }],
    [['--config', 'a.yml'], {}, { kind: 'run', configFile: 'a.yml' }],
    [['-c', 'a.yml'], {}, { kind: 'run', configFile: 'a.yml' }],
    [['--config=a.yml'], {}, { kind: 'run', configFile: 'a.yml' }],
    [[], { PROMFETCHER_CONFIG: 'env.yml' }, { kind: 'run', configFile: 'env.yml' }],
    [['-c', 'flag.yml'], { PROMFETCHER_CONFIG: 'env.yml' }, { kind: 'run', configFile: 'flag.yml' }],
    [[], { PROMFETCHER_CONFIG: '' }, { kind: 'run', configFile: undefined }],
    [['--help'], {}, { kind: 'help' }],
    [['-h', '--bogus'], {}, { kind: 'help' }],
    [['--version'], {}, { kind: 'version' }],
    [['-v'], {}, { kind: 'version' }],
    [['--config'], {}, { kind: 'usage-error', message: '--config needs a file name' }],
    [['--config='], {}, { kind: 'usage-error', message: '--config= needs a file name' }],
    [['serve'], {}, { kind: 'usage-error', message: 'unknown argument "serve"' }],
  ])('%j with env %j', (argv, env, expected) => {
    expect(parseCli(argv, env)).toEqual(expected);
  });

  it('reads the package version', () => {
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
