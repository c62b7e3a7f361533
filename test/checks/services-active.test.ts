import { describe, expect, it } from 'vitest';
import { judgeServices, servicesCommand, serviceUnits } from '../../harness/checks/services-active.ts';
import { testPlan } from '../support/plan.ts';

const withDaemons = (guest: 'debian' | 'nixos') =>
  testPlan({ guest, serviceState: [{ path: '/var/lib/docker', files: ['a'], unit: 'docker.service' }, { path: '/var/lib/lxd', files: [], unit: 'lxd.service' }] });

describe('services.active', () => {
  it('holds on nixos when every daemon is active', () => {
    expect(judgeServices({ states: { 'docker.service': 'active', 'lxd.service': 'active' } }, withDaemons('nixos'))).toEqual({ status: 'passed', message: 'active after the reboot: docker.service, lxd.service' });
  });

  it('fails on nixos naming the daemon that is not active', () => {
    const r = judgeServices({ states: { 'docker.service': 'active', 'lxd.service': 'failed' } }, withDaemons('nixos'));
    expect(r).toEqual({ status: 'failed', message: 'not active after the reboot: lxd.service (failed)' });
  });

  it('is skipped on the debian stand-in, which runs no such daemons', () => {
    expect(judgeServices({ states: {} }, withDaemons('debian')).status).toBe('skipped');
  });

  it('asks systemctl about the units the service state names', () => {
    expect(serviceUnits(withDaemons('nixos'))).toEqual(['docker.service', 'lxd.service']);
    expect(servicesCommand(['docker.service'])).toBe("systemctl is-active 'docker.service'");
  });
});
