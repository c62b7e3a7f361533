import { describe, expect, it } from 'vitest';
import { passwordCommand, serviceFilePath } from '../../harness/procedure/state.ts';
import { testPlan } from '../support/plan.ts';

describe('the first boot', () => {
  it("writes service state beside a nixos daemon's own files, never over them", () => {
    expect(serviceFilePath('nixos', '/var/lib/docker', 'image/overlay2/repositories.json')).toBe('/var/lib/docker/darlings-state/image/overlay2/repositories.json');
    expect(serviceFilePath('debian', '/var/lib/docker', 'image/overlay2/repositories.json')).toBe('/var/lib/docker/image/overlay2/repositories.json');
  });

  it("sets the password as the blog's passwd does, the password on stdin only", () => {
    const c = passwordCommand(testPlan());
    expect(c).toMatchObject({ name: 'passwd delta', command: 'chpasswd', stdin: { secret: 'password' } });
    expect(JSON.stringify(c)).not.toContain(testPlan().user.password);
  });
});
