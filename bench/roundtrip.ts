/** Serial and SSH command round trips on a booted tiny guest. */
import { bootTiny } from '../harness/guests/tiny-machine.ts';
import { SshChannel } from '../harness/channels/ssh.ts';
import { hostKeyBlob } from '../harness/channels/keys.ts';
import { Redactor } from '../harness/util/redact.ts';

export async function roundTrips(n: number): Promise<{ serial: number[]; ssh: number[] }> {
  const vm = await bootTiny();
  try {
    const ssh = await SshChannel.connect({ port: vm.machine.spec.sshPort, privateKey: vm.key.privateKey, hostKey: hostKeyBlob(vm.hostKeyLine), connectTimeoutMs: 60_000, commandTimeoutMs: 30_000, redactor: new Redactor() });
    const serial: number[] = [];
    const sshMs: number[] = [];
    for (let i = 0; i < n; i++) {
      let t = Date.now();
      await vm.machine.serial.run('true', { timeoutMs: 30_000 });
      serial.push(Date.now() - t);
      t = Date.now();
      await ssh.run('true');
      sshMs.push(Date.now() - t);
    }
    ssh.close();
    return { serial, ssh: sshMs };
  } finally {
    await vm.cleanup();
  }
}
