import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { openDatabase } from '../../db/client';
import { localWorkersFromDatabase, type HealthCheck, type HealthReport } from '../health';

const ROLES = ['all', 'bot', 'worker'] as const;

/** Asks the process listening on PORT for its /healthz; null when nothing answers. */
async function askListener(port: number): Promise<HealthReport | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(3000) });
    return (await res.json()) as HealthReport;
  } catch {
    return null;
  }
}

const line = (name: string, c: HealthCheck) => `${c.ok ? 'ok   ' : 'ERROR'}  ${name.padEnd(9)}  ${c.detail}\n`;

/**
 * `shortsmith health [--role all|bot|worker]`: exit 0 when the role runs well on this machine,
 * 1 when not (for Docker HEALTHCHECK, systemd, Kubernetes probes). It asks the process on PORT
 * for its /healthz; a worker without a listener is judged by its heartbeat row instead.
 */
export async function healthCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' } } });
  const role = values.role as (typeof ROLES)[number];
  if (!ROLES.includes(role)) {
    process.stderr.write('--role must be all, bot or worker.\n');
    return 2;
  }
  const config = loadConfig();
  const report = await askListener(config.port);
  if (report) {
    process.stdout.write(`${report.role} process on port ${config.port}: ${report.ok ? 'healthy' : 'UNHEALTHY'}\n`);
    for (const [name, c] of Object.entries(report.checks)) process.stdout.write(line(name, c));
    const covers = report.role === 'all' || report.role === role;
    if (covers) return report.ok ? 0 : 1;
  }
  if (role === 'worker') {
    const db = await openDatabase(config.database.url, { migrate: false });
    try {
      const check = await localWorkersFromDatabase(db.prisma, config.port);
      process.stdout.write(line('worker', check));
      return check.ok ? 0 : 1;
    } finally {
      await db.close();
    }
  }
  if (!report) process.stdout.write(`ERROR  nothing answers on http://127.0.0.1:${config.port}/healthz: the ${role === 'all' ? 'shortsmith' : role} process is not running here (or has another PORT).\n`);
  else process.stdout.write(`ERROR  the process on port ${config.port} runs the ${report.role} role, not ${role}.\n`);
  return 1;
}
