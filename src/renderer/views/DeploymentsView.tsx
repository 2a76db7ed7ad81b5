// Pushes and deployments side by side, matched by commit SHA: a push shows the state of the
// deployment that carries its commit, and selecting either side highlights the other and
// asks the core for its verdict on that commit.
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import type { DeploymentInfo, PushInfo } from '../../shared/api';
import { deploymentForPush, deploymentsBySha, distinct, latestPerDeployment, sameCommit, stateTone } from '../lib/deployments';
import { formatAgo, formatDateTime, formatDuration, shortSha } from '../lib/format';
import { isUnverified, UNVERIFIED_ROW_TITLE, unverifiedNotice } from '../lib/unverified';
import { Badge, EmptyState, InlineError, Spinner } from '../components/Feedback';
import { CopyButton } from '../components/CopyButton';
import { useInterval, useNow, useResource } from '../components/hooks';

const LIMIT = 100;

function Correlation({ sha }: { sha: string }) {
  const result = useResource(() => api.correlate(sha), [sha]);
  const c = result.data;
  return (
    <section className="correlation" aria-labelledby="correlation-heading" aria-live="polite">
      <h2 id="correlation-heading">
        Commit <span className="mono">{shortSha(sha)}</span>
      </h2>
      <InlineError error={result.error} prefix="Could not correlate this commit" />
      {!c && !result.error ? <Spinner label="Correlating…" /> : null}
      {c ? (
        <>
          <p className="verdict" data-testid="correlation-verdict">
            {c.verdict}
          </p>
          {c.commit ? (
            <p className="muted">
              “{c.commit.message.split('\n')[0]}”{c.commit.author ? ` by ${c.commit.author}` : ''} in {c.commit.repo}
            </p>
          ) : null}
          {c.deployments.length > 0 ? (
            <ol className="timeline">
              {c.deployments.map((d) => (
                <li key={d.event_id}>
                  <time dateTime={d.at}>{formatDateTime(d.at)}</time> · {d.project} · {d.environment ?? 'preview'} ·{' '}
                  <Badge tone={stateTone(d.state)}>{d.state}</Badge>
                  {d.duration_ms !== null ? ` · ${formatDuration(d.duration_ms)}` : ''}{' '}
                  <UnverifiedFlag row={d} />
                </li>
              ))}
            </ol>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** A push or deployment row: selecting it selects its commit. */
/** The row flag for a push or deployment from an unsigned webhook. */
function UnverifiedFlag({ row }: { row: { verified: boolean } }) {
  if (!isUnverified(row)) return null;
  return (
    <span className="flag-unverified" title={UNVERIFIED_ROW_TITLE} data-testid="row-unverified">
      unverified
    </span>
  );
}

function ShaRow({ sha, selected, matched, unverified, testId, onSelect, children, extra }: {
  sha: string | null;
  unverified: boolean;
  selected: boolean;
  matched: boolean;
  testId: string;
  onSelect(sha: string): void;
  children: React.ReactNode;
  /** Shown under the button, outside it (links must not nest in a button). */
  extra?: React.ReactNode;
}) {
  return (
    <li className={`pair-row${selected ? ' selected' : ''}${matched ? ' matched' : ''}${unverified ? ' unverified' : ''}`}>
      <button
        type="button"
        className="row-button"
        aria-pressed={selected}
        disabled={!sha}
        onClick={() => sha && onSelect(sha)}
        data-testid={testId}
        data-sha={sha ?? ''}
        data-verified={String(!unverified)}
      >
        {children}
      </button>
      {extra}
    </li>
  );
}

function PushRow({ push, deployment, selected, matched, now, onSelect }: {
  push: PushInfo;
  deployment: DeploymentInfo | null;
  selected: boolean;
  matched: boolean;
  now: number;
  onSelect(sha: string): void;
}) {
  const sha = push.head_sha;
  return (
    <ShaRow sha={sha} selected={selected} matched={matched} unverified={isUnverified(push)} testId="push-row" onSelect={onSelect}>
        <span className="row-line">
          <strong>{push.repo}</strong>
          <UnverifiedFlag row={push} />
          <span className="muted">{push.branch ?? 'tag/other ref'}</span>
          <span className="mono">{shortSha(sha)}</span>
          {deployment ? (
            <Badge tone={stateTone(deployment.state)} title={`Deployment of this commit: ${deployment.project}, ${deployment.environment ?? 'preview'}`}>
              {deployment.state}
            </Badge>
          ) : (
            <Badge tone="neutral">no deployment</Badge>
          )}
        </span>
        <span className="row-line muted">
          <span className="ellipsis">{push.message?.split('\n')[0] ?? '(no message)'}</span>
          <span>
            {push.commit_count} {push.commit_count === 1 ? 'commit' : 'commits'}
            {push.pusher ? ` by ${push.pusher}` : ''} · <time dateTime={push.at}>{formatAgo(push.at, now)}</time>
          </span>
        </span>
    </ShaRow>
  );
}

function DeploymentRow({ deployment: d, selected, matched, now, onSelect }: {
  deployment: DeploymentInfo;
  selected: boolean;
  matched: boolean;
  now: number;
  onSelect(sha: string): void;
}) {
  const sha = d.commit_sha;
  const url = d.url ? (d.url.startsWith('http') ? d.url : `https://${d.url}`) : null;
  return (
    <ShaRow sha={sha} selected={selected} matched={matched} unverified={isUnverified(d)} testId="deployment-row" onSelect={onSelect} extra={url ? (
        <span className="row-extra">
          <a href={url} target="_blank" rel="noopener noreferrer" className="ellipsis">
            {d.url}
          </a>
          <CopyButton text={url} className="link-button" ariaLabel={`Copy the URL of ${d.project}`} />
        </span>
      ) : null}>
        <span className="row-line">
          <strong>{d.project}</strong>
          <UnverifiedFlag row={d} />
          <span className="muted">{d.environment ?? 'preview'}</span>
          <span className="mono">{shortSha(sha)}</span>
          <Badge tone={stateTone(d.state)}>{d.state}</Badge>
        </span>
        <span className="row-line muted">
          <span>{d.provider}</span>
          <span>{formatDuration(d.duration_ms)}</span>
          <time dateTime={d.at}>{formatAgo(d.at, now)}</time>
        </span>
    </ShaRow>
  );
}

export function DeploymentsView() {
  const [repo, setRepo] = useState('');
  const [project, setProject] = useState('');
  const [selectedSha, setSelectedSha] = useState<string | null>(null);
  const pushes = useResource(() => api.pushes({ repo: repo || undefined, limit: LIMIT }), [repo]);
  const deployments = useResource(() => api.deployments({ project: project || undefined, limit: LIMIT }), [project]);
  // For matching, every project's deployments (a push's commit may deploy anywhere).
  const allDeployments = useResource(() => (project ? api.deployments({ limit: LIMIT }) : Promise.resolve(null)), [project]);
  useInterval(() => {
    pushes.reload();
    deployments.reload();
    if (project) allDeployments.reload();
  }, 15_000);
  const now = useNow(30_000);

  // Names seen so far, so that filtering one does not empty its own menu.
  const [repoNames, setRepoNames] = useState<string[]>([]);
  const [projectNames, setProjectNames] = useState<string[]>([]);
  const pushList = useMemo(() => pushes.data?.pushes ?? [], [pushes.data]);
  const deploymentRows = useMemo(() => deployments.data?.deployments ?? [], [deployments.data]);
  useEffect(() => {
    setRepoNames((names) => {
      const next = distinct([...names, ...pushList.map((p) => p.repo)]);
      return next.length === names.length ? names : next;
    });
  }, [pushList]);
  useEffect(() => {
    setProjectNames((names) => {
      const next = distinct([...names, ...deploymentRows.map((d) => d.project)]);
      return next.length === names.length ? names : next;
    });
  }, [deploymentRows]);
  const seenRepos = repoNames;
  const seenProjects = projectNames;

  const deploymentList = useMemo(() => latestPerDeployment(deploymentRows), [deploymentRows]);
  const pushNotice = unverifiedNotice(pushList, 'push', 'pushes', 'GitHub');
  const deployNotice = unverifiedNotice(deploymentList, 'deployment', 'deployments', 'Vercel or GitHub');
  const bySha = useMemo(
    () => deploymentsBySha(project ? (allDeployments.data?.deployments ?? deploymentRows) : deploymentRows),
    [project, allDeployments.data, deploymentRows],
  );

  return (
    <section className="view" aria-labelledby="deployments-heading">
      <header className="view-head">
        <h1 id="deployments-heading">Deployments</h1>
        <label className="field">
          <span>Repository</span>
          <select value={repo} onChange={(e) => setRepo(e.target.value)}>
            <option value="">All repositories</option>
            {seenRepos.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Project</span>
          <select value={project} onChange={(e) => setProject(e.target.value)}>
            <option value="">All projects</option>
            {seenProjects.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        {selectedSha ? (
          <button type="button" className="button" onClick={() => setSelectedSha(null)}>
            Clear selection
          </button>
        ) : null}
      </header>
      {selectedSha ? <Correlation sha={selectedSha} /> : <p className="hint">Select a push or a deployment to see what happened to its commit.</p>}
      {pushNotice || deployNotice ? (
        <p className="warning" role="note" data-testid="deployments-unverified-notice">
          <strong>Unverified.</strong> {[pushNotice, deployNotice].filter(Boolean).join(' ')}
        </p>
      ) : null}
      <div className="pair-columns">
        <section aria-labelledby="pushes-heading">
          <h2 id="pushes-heading">Pushes</h2>
          <InlineError error={pushes.error} prefix="Could not load pushes" />
          {!pushes.data && pushes.loading ? <Spinner label="Loading pushes…" /> : null}
          {pushes.data && pushList.length === 0 ? (
            <EmptyState title="No pushes yet.">
              <p>Add the GitHub webhook under Sources (press 4) with the “push” event enabled; each push shows up here with its commit.</p>
            </EmptyState>
          ) : null}
          <ul className="pair-list">
            {pushList.map((p) => (
              <PushRow
                key={p.event_id}
                push={p}
                deployment={deploymentForPush(p, bySha)}
                selected={selectedSha !== null && p.head_sha !== null && p.head_sha === selectedSha}
                matched={sameCommit(p.head_sha, selectedSha)}
                now={now}
                onSelect={setSelectedSha}
              />
            ))}
          </ul>
        </section>
        <section aria-labelledby="deploys-heading">
          <h2 id="deploys-heading">Deployments</h2>
          <InlineError error={deployments.error} prefix="Could not load deployments" />
          {!deployments.data && deployments.loading ? <Spinner label="Loading deployments…" /> : null}
          {deployments.data && deploymentList.length === 0 ? (
            <EmptyState title="No deployments yet.">
              <p>Add the Vercel webhook under Sources, or enable GitHub’s “Deployment statuses” event; deployments are matched to pushes by commit.</p>
            </EmptyState>
          ) : null}
          <ul className="pair-list">
            {deploymentList.map((d) => (
              <DeploymentRow
                key={d.event_id}
                deployment={d}
                selected={selectedSha !== null && d.commit_sha === selectedSha}
                matched={sameCommit(d.commit_sha, selectedSha)}
                now={now}
                onSelect={setSelectedSha}
              />
            ))}
          </ul>
        </section>
      </div>
    </section>
  );
}
