// Imported first: the preload runs under the page's CSP (no 'unsafe-eval'), where zod's
// `new Function` probe would log a violation on every load. Jitless parsing is plenty fast
// for the few small messages the shell API carries.
import { z } from 'zod';

z.config({ jitless: true });
