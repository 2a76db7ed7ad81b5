// js-yaml (electron-builder's YAML parser) ships no types; the tests use only `load`.
declare module 'js-yaml' {
  export function load(text: string): unknown;
  const yaml: { load: typeof load };
  export default yaml;
}
