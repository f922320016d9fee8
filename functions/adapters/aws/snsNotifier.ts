import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Notice, Notifier } from '../../ports/notifier.ts';

/**
 * Notices to the stage's alert topic as the JSON the Telegram notifier reads
 * (`{subject,text,severity}`, functions/handlers/telegram-notifier.ts). SNS subjects are limited to
 * 100 printable ASCII characters, so the subject is also cut and cleaned for e-mail subscribers.
 */
export class SnsNotifier implements Notifier {
  constructor(
    private readonly sns: SNSClient,
    readonly topicArn: string,
  ) {}

  async notify(n: Notice): Promise<void> {
    const subject = n.subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100) || 'mft';
    await this.sns.send(new PublishCommand({ TopicArn: this.topicArn, Subject: subject, Message: JSON.stringify({ subject: n.subject, text: n.text, severity: n.severity }) }));
  }
}
