// A collapsible view of a JSON value: objects and arrays open to a few levels, the rest a
// click (or Enter) away; very long arrays and objects show their first entries first.
import { memo, useState } from 'react';

const FIRST_CHILDREN = 100;

type Json = unknown;

function isContainer(v: Json): v is Record<string, unknown> | unknown[] {
  return typeof v === 'object' && v !== null;
}

function Primitive({ value }: { value: Json }) {
  if (value === null) return <span className="j-null">null</span>;
  switch (typeof value) {
    case 'string':
      return <span className="j-string">{JSON.stringify(value)}</span>;
    case 'number':
      return <span className="j-number">{String(value)}</span>;
    case 'boolean':
      return <span className="j-bool">{String(value)}</span>;
    default:
      return <span className="j-other">{String(value)}</span>;
  }
}

function Key({ name }: { name: string | number | null }) {
  if (name === null) return null;
  return (
    <>
      <span className={typeof name === 'number' ? 'j-index' : 'j-key'}>{typeof name === 'number' ? name : JSON.stringify(name)}</span>
      <span className="j-punct">: </span>
    </>
  );
}

const JsonNode = memo(function JsonNode({ name, value, depth, openDepth }: { name: string | number | null; value: Json; depth: number; openDepth: number }) {
  const [open, setOpen] = useState(depth < openDepth);
  const [showAll, setShowAll] = useState(false);
  if (!isContainer(value)) {
    return (
      <li className="j-line">
        <Key name={name} />
        <Primitive value={value} />
      </li>
    );
  }
  const isArray = Array.isArray(value);
  const entries: Array<[string | number, unknown]> = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [openBrace, closeBrace] = isArray ? ['[', ']'] : ['{', '}'];
  const countLabel = `${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}`;
  if (entries.length === 0) {
    return (
      <li className="j-line">
        <Key name={name} />
        <span className="j-punct">{openBrace + closeBrace}</span>
      </li>
    );
  }
  const shown = showAll ? entries : entries.slice(0, FIRST_CHILDREN);
  return (
    <li className="j-line">
      <button type="button" className="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span aria-hidden="true" className="j-caret">
          {open ? '▾' : '▸'}
        </span>
        <Key name={name} />
        <span className="j-punct">{openBrace}</span>
        {open ? null : (
          <>
            <span className="j-summary"> {countLabel} </span>
            <span className="j-punct">{closeBrace}</span>
          </>
        )}
      </button>
      {open ? (
        <>
          <ul className="j-children">
            {shown.map(([k, v]) => (
              <JsonNode key={k} name={k} value={v} depth={depth + 1} openDepth={openDepth} />
            ))}
            {shown.length < entries.length ? (
              <li>
                <button type="button" className="link-button" onClick={() => setShowAll(true)}>
                  Show all {entries.length}
                </button>
              </li>
            ) : null}
          </ul>
          <span className="j-punct">{closeBrace}</span>
        </>
      ) : null}
    </li>
  );
});

export function JsonViewer({ value, openDepth = 2, label }: { value: Json; openDepth?: number; label: string }) {
  return (
    <ul className="json-viewer" aria-label={label}>
      <JsonNode name={null} value={value} depth={0} openDepth={openDepth} />
    </ul>
  );
}
