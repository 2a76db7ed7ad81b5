// Turns a GitHub event into rows of the per-repo activity views (pushes, commits, pull
// requests, issues). Pure: the store decides when and where to write them.
import type { DerivedInput } from './derived-input';
import { bool, list, num, str } from './fields';

export interface PushRow {
  repo: string;
  branch: string | null;
  ref: string | null;
  head_sha: string | null;
  pusher: string | null;
  commit_count: number;
  forced: boolean;
}
export interface CommitRow {
  repo: string;
  branch: string | null;
  sha: string;
  message: string;
  author: string | null;
  at: number;
}
export interface PullRequestRow {
  repo: string;
  number: number | null;
  action: string | null;
  title: string | null;
  user: string | null;
  state: string | null;
  merged: boolean;
  head_sha: string | null;
}
export interface IssueRow {
  repo: string;
  number: number | null;
  action: string | null;
  title: string | null;
  user: string | null;
  state: string | null;
}

export interface GithubRows {
  push: PushRow | null;
  commits: CommitRow[];
  pullRequest: PullRequestRow | null;
  issue: IssueRow | null;
}

const NONE: GithubRows = { push: null, commits: [], pullRequest: null, issue: null };

export function githubRows(input: DerivedInput): GithubRows {
  if (input.provider !== 'github' || !input.subject) return NONE;
  const f = input.fields;
  const repo = input.subject;
  const event = str(f, 'event');
  if (event === 'push') {
    const branch = str(f, 'branch');
    const commits: CommitRow[] = [];
    for (const c of list(f, 'commits')) {
      if (!c || typeof c !== 'object') continue;
      const commit = c as Record<string, unknown>;
      const sha = str(commit, 'sha');
      if (!sha) continue;
      commits.push({
        repo,
        branch,
        sha: sha.toLowerCase(),
        message: str(commit, 'message') ?? '',
        author: str(commit, 'author'),
        // When it was pushed (what "commits in the last day" means), not the author date,
        // which rebases and old branches make arbitrary.
        at: input.receivedAt,
      });
    }
    return {
      ...NONE,
      commits,
      push: {
        repo,
        branch,
        ref: str(f, 'ref'),
        head_sha: str(f, 'after')?.toLowerCase() ?? null,
        pusher: str(f, 'pusher'),
        commit_count: num(f, 'commit_count') ?? commits.length,
        forced: bool(f, 'forced'),
      },
    };
  }
  if (event === 'pull_request') {
    return {
      ...NONE,
      pullRequest: {
        repo,
        number: num(f, 'number'),
        action: str(f, 'action'),
        title: str(f, 'title'),
        user: str(f, 'user'),
        state: str(f, 'state'),
        merged: bool(f, 'merged'),
        head_sha: str(f, 'head_sha')?.toLowerCase() ?? null,
      },
    };
  }
  if (event === 'issues') {
    return {
      ...NONE,
      issue: {
        repo,
        number: num(f, 'number'),
        action: str(f, 'action'),
        title: str(f, 'title'),
        user: str(f, 'user'),
        state: str(f, 'state'),
      },
    };
  }
  return NONE;
}
