import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
const dir = fs.mkdtempSync('/tmp/mp-');
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir=/tmp/prof', '--import', 'tsx', 'bench/ingest-server.ts', 'durable', dir, 'x'], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => child.stdout.once('data', r));
const rt = JSON.parse(fs.readFileSync(dir + '/runtime.json', 'utf8')); const tok = fs.readFileSync(dir + '/token', 'utf8').trim();
for (let i = 0; i < 20; i++) await fetch(rt.ingest_url + '/webhooks/a', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) });
const c = new Client({ name: 'x', version: '1' });
await c.connect(new StreamableHTTPClientTransport(new URL(rt.mcp_url), { requestInit: { headers: { authorization: 'Bearer ' + tok } } }));
const lat: number[] = [];
for (let i = 0; i < 3000; i++) { const t = performance.now(); await c.callTool({ name: 'get_recent_events', arguments: { limit: 10 } }); lat.push(performance.now() - t); }
lat.sort((a, b) => a - b); console.log('p50', lat[1500], 'p99', lat[2970]);
await c.close(); child.kill('SIGTERM'); await new Promise((r) => child.on('exit', r));
