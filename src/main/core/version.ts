// The version every surface reports (health, runtime.json, MCP server info).
import pkg from '../../../package.json';

export const VERSION: string = pkg.version;
