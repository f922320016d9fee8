export type Severity = 'info' | 'warning' | 'critical';

export interface Notice {
  subject: string;
  text: string;
  severity: Severity;
}

/** Alarms and reports to people (SNS -> Telegram on AWS; console + JSONL locally). */
export interface Notifier {
  notify(n: Notice): Promise<void>;
}
