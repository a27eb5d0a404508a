/** `harness keys generate --name N [--dir D]`: an approver's Ed25519 key pair for signed approvals. */
import { generateSigningKey } from '../../api/signing-keys';
import { keyFingerprint } from '../../../shared/signed-decision';
import { printJson } from '../format';
import { say } from '../terminal';

export async function keysGenerateCommand(options: { name: string; dir?: string; json?: boolean }): Promise<void> {
  const written = await generateSigningKey(options.name, options.dir);
  const fingerprint = keyFingerprint(written.publicKey);
  if (options.json) return printJson({ ...written, fingerprint });
  say(
    [
      `private key ${written.keyFile} (mode 0600: keep it; it signs as ${options.name})`,
      `public key  ${written.pubFile} (fingerprint ${fingerprint})`,
      'list it in the policy:',
      '  publicKeys:',
      `    ${JSON.stringify(options.name)}: ["${written.publicKey}"]`,
      '',
    ].join('\n'),
  );
}
