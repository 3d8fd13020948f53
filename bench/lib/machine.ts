import os from 'node:os';
import type pg from 'pg';

/** What the figures were measured on: they mean little without it. */
export async function machineInfo(c: pg.Client) {
  const v = await c.query('select version() as v');
  const settings = await c.query("select name, setting from pg_settings where name in ('shared_buffers','synchronous_commit','max_connections','fsync','wal_level')");
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    // Other work on the machine skews every figure: recorded so a reader can tell.
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    postgres: String(v.rows[0].v).split(' on ')[0],
    postgresSettings: Object.fromEntries(settings.rows.map((r: { name: string; setting: string }) => [r.name, r.setting])),
  };
}
