import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { captureLogger } from '../../test/test-app';
import { createDisabledMailer, createLogMailer, createSmtpMailer } from './mailer';

describe('mailers', () => {
  it('sends over SMTP to a real SMTP server', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          received.push(data);
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.server.address() as AddressInfo;

    await createSmtpMailer(`smtp://127.0.0.1:${port}`, 'Auterity <no-reply@auterity.test>').send({
      to: 'ada@example.com',
      subject: 'Hello',
      text: 'Link: https://x/y',
    });

    expect(received).toHaveLength(1);
    expect(received[0]).toContain('Subject: Hello');
    expect(received[0]).toContain('To: ada@example.com');
    expect(received[0]).toContain('Link: https://x/y');
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('writes mail to the log in development and only a warning without content in production', async () => {
    const dev = captureLogger();
    const prod = captureLogger();

    await createLogMailer(dev.log).send({ to: 'a@b.c', subject: 'Reset', text: 'token-canary' });
    await createDisabledMailer(prod.log).send({ to: 'a@b.c', subject: 'Reset', text: 'token-canary' });

    expect(dev.text()).toContain('token-canary');
    expect(prod.text()).not.toContain('token-canary');
    expect(prod.text()).toContain('set SMTP_URL');
  });
});
