import type nodemailer from 'nodemailer';
import { lazy } from './lazy-require';
import type { Logger } from './logger';

/** Loaded when SMTP is configured. */
const nodemailerLibrary = lazy<typeof nodemailer>('nodemailer');

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** Sends over SMTP (nodemailer); the URL carries host, port, TLS and credentials. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailerLibrary().createTransport(smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}

/**
 * Development without SMTP: the mail, links included, goes to the log so a developer can click
 * them. Never used in production (the wiring refuses), since links are credentials.
 */
export function createLogMailer(log: Logger): Mailer {
  return {
    async send(mail) {
      log.info(
        { mailTo: mail.to, subject: mail.subject, mailText: mail.text },
        'mail (development: not sent, SMTP_URL is not set)',
      );
    },
  };
}

/** Production without SMTP: mail is dropped with a warning that names the missing setting. */
export function createDisabledMailer(log: Logger): Mailer {
  return {
    async send(mail) {
      log.warn({ subject: mail.subject }, 'mail not sent: set SMTP_URL to send mail');
    },
  };
}
