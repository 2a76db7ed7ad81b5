import Database from 'better-sqlite3';
import fs from 'node:fs';
const text = 'alice pushed 3 commits to main in octo/hello: Fix the thing\npush\nocto/hello\nUpdate README.md\nCodertocat\nrefs/heads/main\nHello-World\nThis your first repo!\noctocat\nmonalisa';
for (const opts of ["content='', contentless_delete=1", "content='', contentless_delete=1, detail=column", "content='', contentless_delete=1, detail=none", "content=''", "content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2'", "content='', contentless_delete=1, detail=column, tokenize='ascii'"]) {
  const dir = fs.mkdtempSync('/tmp/fts-');
  const db = new Database(dir + '/x.db');
  db.pragma('journal_mode=WAL');
  db.exec(`CREATE VIRTUAL TABLE f USING fts5(text, ${opts})`);
  const ins = db.prepare('INSERT INTO f(rowid, text) VALUES (?, ?)');
  let id = 1;
  const tx = db.transaction((n: number) => { for (let i = 0; i < n; i++) ins.run(id++, text + ' ' + id); });
  tx(5000);
  const t = performance.now();
  for (let b = 0; b < 100; b++) tx(50);
  console.log(opts.padEnd(70), ((performance.now() - t) / 5000 * 1000).toFixed(1), 'µs');
}
