import { launchBrowser } from '../test/helpers/browser';
const b = await launchBrowser(); const p = await b.newPage(); await p.setContent('<h1>hi</h1>'); console.log(await p.textContent('h1')); await b.close();
