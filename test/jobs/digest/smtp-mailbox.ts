// A real SMTP server (the `smtp-server` package) on a free port of 127.0.0.1, keeping every
// message it receives, for the digest tests.
import { SMTPServer } from 'smtp-server';

export interface Mailbox {
  port: number;
  received: { from: string; to: string[]; raw: Buffer }[];
  auth: string[];
  close(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<Mailbox> {
  const received: Mailbox['received'] = [];
  const auth: string[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(session, _connection, callback) {
      auth.push(`${session.username ?? ''}:${session.password ?? ''}`);
      callback(null, { user: session.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.server.address() as { port: number };
  const mailbox: Mailbox = { port: address.port, received, auth, close: () => new Promise((resolve) => server.close(() => resolve())) };
  return mailbox;
}
