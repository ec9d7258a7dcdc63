import { ERROR_STATUS, errorBody } from './error-status.js';

describe('ERROR_STATUS', () => {
  it('maps the caller-facing codes to 4xx and the rest to 5xx', () => {
    expect(ERROR_STATUS.PF_APP_NOT_FOUND).toBe(404);
    expect(ERROR_STATUS.PF_BAD_REQUEST).toBe(400);
    expect(ERROR_STATUS.PF_UNAUTHORIZED).toBe(401);
    expect(ERROR_STATUS.PF_INTERNAL).toBe(500);
    for (const status of Object.values(ERROR_STATUS)) expect(status >= 400 && status < 600).toBe(true);
  });
  it('shows the message of a 4xx and hides that of a 5xx', () => {
    expect(errorBody(404, 'no app "x"')).toBe('404 no app "x"\n');
    expect(errorBody(500, 'db password wrong at 10.0.0.1')).not.toContain('10.0.0.1');
  });
});
