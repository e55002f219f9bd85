"""Who uses each stage, and whether a plain `docker build` builds it at all.

One line per stage, shown above its FROM:
- `used by 'runner' (COPY --from), 'test' (FROM)`, or
- `final stage`, or
- `not built by default: only with --target lint` when nothing the final stage needs uses it
  (BuildKit skips such stages), naming every `--target` that would build it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.stages import RefKind, Stage, StageRef, reachable
from msb_lsp.navigate.index import binds

MAX_USERS = 4  # a lens names at most this many users
MAX_TARGETS = 4  # ... and at most this many `--target`s


@dataclass(slots=True, eq=False)
class StageUsage:
    stage: Stage
    users: list[tuple[Stage, list[str]]] = field(default_factory=list)  # stage, how it uses it
    refs: list[StageRef] = field(default_factory=list)  # the references from other stages
    final: bool = False
    built_by_default: bool = True
    # `--target` names that build it, in file order: the first MAX_TARGETS + 1 (one more
    # than a title shows, so that it can say there are more).
    targets: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        parts: list[str] = []
        if self.users:
            shown = self.users if len(self.users) <= MAX_USERS else self.users[: MAX_USERS - 1]
            users = ", ".join(f"{_label(s)} ({', '.join(how)})" for s, how in shown)
            if len(shown) < len(self.users):
                users += f" and {len(self.users) - len(shown)} more"
            parts.append(f"used by {users}")
        if self.final:
            parts.append("final stage")
        elif not self.built_by_default:
            if self.targets:
                targets = " or ".join(f"--target {t}" for t in self.targets[:MAX_TARGETS])
                if len(self.targets) > MAX_TARGETS:
                    targets += " or other targets"
                parts.append(f"not built by default: only with {targets}")
            else:
                parts.append("never built: nothing uses it and it has no name for --target")
        return " · ".join(parts) if parts else "not used"


def _label(stage: Stage) -> str:
    return f"'{stage.name}'" if stage.name is not None else f"stage {stage.index}"


def _how(ref: StageRef) -> str:
    if ref.kind == RefKind.FROM:
        return "FROM"
    if ref.kind == RefKind.MOUNT:
        return "RUN --mount"
    return f"{ref.instruction.kind} --from"


def stage_usages(df: Dockerfile) -> list[StageUsage]:
    final = df.final_stage
    default_build = reachable(df)
    usages = [
        StageUsage(s, final=s is final, built_by_default=s.index in default_build)
        for s in df.stages
    ]
    for ref in df.refs:
        if not binds(ref) or ref.target is None or ref.target is ref.stage:
            continue
        usage = usages[ref.target.index]
        usage.refs.append(ref)
        how = _how(ref)
        for user, kinds in usage.users:
            if user is ref.stage:
                if how not in kinds:
                    kinds.append(how)
                break
        else:
            usage.users.append((ref.stage, [how]))
    if any(not u.built_by_default for u in usages):
        _collect_targets(df, usages)
    return usages


def _collect_targets(df: Dockerfile, usages: list[StageUsage]) -> None:
    """The first `--target`s (in file order) that build each stage a plain build skips.

    Each target's stages are walked, but not past a stage that already has all the targets it
    can show: every stage it needs has them too (any target building it builds them). So each
    stage is walked at most MAX_TARGETS + 1 times, and thousands of chained stages cost
    linear time instead of one walk per target."""
    keep = MAX_TARGETS + 1
    # A plain build builds these and everything they need: no walk needs to enter them.
    built = {u.stage.index for u in usages if u.built_by_default}
    seen_names: set[str] = set()
    for stage in df.stages:
        name = stage.name
        if name is None or name in seen_names:
            continue  # no name, or a duplicate name `--target` does not select
        seen_names.add(name)
        visited: set[int] = set()
        todo = [stage]
        while todo:
            current = todo.pop()
            if current.index in visited:
                continue
            visited.add(current.index)
            usage = usages[current.index]
            if current.index in built or len(usage.targets) >= keep:
                continue
            usage.targets.append(name)
            todo.extend(current.dependencies())
