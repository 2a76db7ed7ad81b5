// Must be imported before any zod schema is built. Zod compiles object parsers with
// `new Function` when it can, and probes for that on first use; under the dashboard's CSP
// (no 'unsafe-eval') the probe is refused and Chromium logs a violation for every page
// load. Jitless parsing is plenty fast for API responses.
import { z } from 'zod';

z.config({ jitless: true });
