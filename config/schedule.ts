/**
 * EventBridge schedule for the bar-close rule: fire `leadMinutes` before every bar close
 * (DESIGN section 2: one minute before each 5m close -> `cron(4/5 * * * ? *)`). Lives in config/
 * because both the CDK app (lib/) and the code (functions/) read it, and lib/ never imports functions/.
 */
export function wakeCron(timeframe: string, leadMinutes = 1): string {
  const m = /^(\d+)([mhd])$/.exec(timeframe);
  if (!m) throw new Error(`timeframe: "${timeframe}" is not a Binance interval`);
  const n = Number(m[1]);
  const unit = m[2]!;
  if (unit === 'm') {
    if (60 % n !== 0 || n <= leadMinutes) throw new Error(`timeframe: "${timeframe}" cannot be scheduled ${leadMinutes} min before each close`);
    return `cron(${n - leadMinutes}/${n} * * * ? *)`;
  }
  if (unit === 'h') {
    if (24 % n !== 0) throw new Error(`timeframe: "${timeframe}" does not divide a day`);
    return `cron(${60 - leadMinutes} ${n - 1}/${n} * * ? *)`;
  }
  if (n !== 1) throw new Error(`timeframe: "${timeframe}" is not schedulable`);
  return `cron(${60 - leadMinutes} 23 * * ? *)`;
}
