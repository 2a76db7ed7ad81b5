import fs from 'node:fs';
const f = fs.readdirSync('/tmp/prof').map(x => '/tmp/prof/' + x)[0];
const p = JSON.parse(fs.readFileSync(f));
const self = new Map(); const byId = new Map(p.nodes.map(n => [n.id, n]));
const dt = {}; for (let i = 0; i < p.samples.length; i++) { dt[p.samples[i]] = (dt[p.samples[i]] || 0) + (p.timeDeltas[i] || 0); }
for (const n of p.nodes) { const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) || 0) + (dt[n.id] || 0)); }
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([k, v]) => (v / total * 100).toFixed(1) + '% ' + k).join('\n'));
