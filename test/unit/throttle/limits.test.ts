import { expect } from 'chai';
import { DEFAULT_LIMITS, humanWait, limitsFromEnv, parseDuration, scaledLimits } from '../../../server/throttle/index.ts';

describe('throttle limits from the environment', () => {
  it('reads <count>/<window> and <failures>/<lockout>[/<longest>] for the rules it names, nothing else', () => {
    const limits = limitsFromEnv({ BANGNI_LIMIT_TRACK_IP: '120/1m', BANGNI_LIMIT_LOGIN_USER: '3/30s/2h', BANGNI_LIMIT_LOGIN_IP: '50/2m' });
    expect(limits.trackIp).to.deep.equal({ limit: 120, windowMs: 60_000 });
    expect(limits.loginUser).to.deep.equal({ ...DEFAULT_LIMITS.loginUser, failures: 3, lockoutMs: 30_000, maxLockoutMs: 7_200_000 });
    expect(limits.loginIp).to.deep.equal({ ...DEFAULT_LIMITS.loginIp, failures: 50, lockoutMs: 120_000 });
    expect(Object.keys(limits).sort()).to.deep.equal(['loginIp', 'loginUser', 'trackIp']);
  });

  it('refuses a malformed value with the variable name and the expected form', () => {
    expect(() => limitsFromEnv({ BANGNI_LIMIT_INTAKE_IP: '30 per hour' })).to.throw(/BANGNI_LIMIT_INTAKE_IP must be <count>\/<window>/);
    expect(() => limitsFromEnv({ BANGNI_LIMIT_INTAKE_IP: '0/1h' })).to.throw(/BANGNI_LIMIT_INTAKE_IP/);
    expect(() => limitsFromEnv({ BANGNI_LIMIT_TRACK_CASE: '30/1m/1h' })).to.throw(/BANGNI_LIMIT_TRACK_CASE/);
    expect(() => limitsFromEnv({ BANGNI_LIMIT_LOGIN_USER: '5/1h/1m' })).to.throw(/longest lockout is shorter/);
    expect(parseDuration('15m')).to.equal(900_000);
    expect(parseDuration('0s')).to.equal(null);
  });

  it('scales every count (the test apps) and words a wait for people', () => {
    const x = scaledLimits(10);
    expect(x.intakeIp.limit).to.equal(DEFAULT_LIMITS.intakeIp.limit * 10);
    expect(x.loginUser.failures).to.equal(50);
    expect(x.loginUser.lockoutMs).to.equal(DEFAULT_LIMITS.loginUser.lockoutMs);
    expect([1, 45, 60, 61, 3600, 3601].map(humanWait)).to.deep.equal(['1 second', '45 seconds', '1 minute', '2 minutes', '1 hour', '2 hours']);
  });
});
