"""Build targets in GitHub Actions workflows: `docker/build-push-action` inputs and `run:` steps.

- `uses: docker/build-push-action@...` with `with: target:`; `context:` is relative to the
  repository root (the folder holding `.github/`), and without one the action builds the
  repository itself (its Git context), i.e. the root as well; `file:` is relative to the
  working folder, which is the root, and defaults to `<context>/Dockerfile`.
- `run:` scripts are read as shell (see `commands.py`), run in the repository root or in the
  step's `working-directory` (else the job's or the workflow's `defaults.run`).
Values with `${{ ... }}` expressions are dynamic: reported, never checked.
"""

from __future__ import annotations

from pathlib import Path

from msb_lsp.targets.commands import Piece, command_targets
from msb_lsp.targets.miniyaml import YMap, YNode, YScalar, YSeq, parse_yaml, scalar
from msb_lsp.targets.ref import TargetRef, is_remote, join, repository_root

ACTION = "docker/build-push-action"


def _expression(value: str) -> bool:
    return "${{" in value


def _working_directory(*scopes: YNode | None) -> YScalar | None:
    """`working-directory` of the first scope (step, `defaults.run` of job, workflow) with one."""
    for scope in scopes:
        if not isinstance(scope, YMap):
            continue
        direct = scalar(scope.get("working-directory"))
        if direct is not None:
            return direct
        defaults = scope.get("defaults")
        run = defaults.get("run") if isinstance(defaults, YMap) else None
        nested = scalar(run.get("working-directory")) if isinstance(run, YMap) else None
        if nested is not None:
            return nested
    return None


def workflow_targets(text: str, path: Path | None) -> list[TargetRef]:
    root_node = parse_yaml(text)
    if not isinstance(root_node, YMap):
        return []
    jobs = root_node.get("jobs")
    if not isinstance(jobs, YMap):
        return []
    repo = repository_root(path) if path is not None else None
    refs: list[TargetRef] = []
    for _, job in jobs.entries():
        if not isinstance(job, YMap):
            continue
        steps = job.get("steps")
        if not isinstance(steps, YSeq):
            continue
        for step in steps.items:
            if not isinstance(step, YMap):
                continue
            uses = scalar(step.get("uses"))
            if uses is not None and uses.value.split("@", 1)[0].lower() == ACTION:
                ref = _action_ref(step, repo)
                if ref is not None:
                    refs.append(ref)
            run = step.get("run")
            if isinstance(run, YScalar) and not run.is_empty:
                refs.extend(_run_refs(run, step, job, root_node, repo))
    return refs


def _action_ref(step: YMap, repo: Path | None) -> TargetRef | None:
    inputs = step.get("with")
    if not isinstance(inputs, YMap):
        return None
    target = inputs.get("target")
    if not isinstance(target, YScalar) or target.style in ("|", ">") or not target.typeable:
        return None
    context_node = scalar(inputs.get("context"))
    file_node = scalar(inputs.get("file"))
    reason: str | None = None
    context: Path | None = None
    dockerfile: Path | None = None
    if repo is None:
        reason = "the workflow is not in a repository's .github/workflows folder"
    elif context_node is not None and _expression(context_node.value):
        reason = "the build context depends on an expression"
    elif context_node is not None and is_remote(context_node.value):
        reason = "the build context is remote"
    else:
        context = join(repo, context_node.value) if context_node else repo
        if file_node is not None and _expression(file_node.value):
            reason = "the Dockerfile path depends on an expression"
        elif file_node is not None:
            dockerfile = join(repo, file_node.value)
        elif context is not None:
            dockerfile = context / "Dockerfile"
    return TargetRef(
        value=target.value,
        span=target.span,
        dockerfile=dockerfile,
        context=context,
        context_span=context_node.span if context_node else None,
        file_span=file_node.span if file_node else None,
        origin=ACTION,
        dynamic=_expression(target.value),
        unresolved=reason if dockerfile is None else None,
    )


def _run_refs(
    run: YScalar, step: YMap, job: YMap, workflow: YMap, repo: Path | None
) -> list[TargetRef]:
    pieces = [Piece(s.line, s.col, s.text) for s in run.segments]
    folded = run.style in (">", "plain", "'", '"') and len(pieces) > 1
    cwd: Path | None = repo
    unknown: str | None = None
    if repo is None:
        unknown = "the workflow is not in a repository's .github/workflows folder"
    workdir = _working_directory(step, job, workflow)
    if workdir is not None and repo is not None:
        if _expression(workdir.value):
            cwd, unknown = None, "the working directory depends on an expression"
        else:
            cwd = join(repo, workdir.value)
    return command_targets(pieces, cwd, joiner=" " if folded else "\n", cwd_unknown=unknown)
