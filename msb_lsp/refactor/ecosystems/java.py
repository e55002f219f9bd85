"""Java: Maven or Gradle builds in the JDK image; the runtime is the `-jre` image of the same
Java version (`eclipse-temurin:<java>-jre`, from `families.runtime_alternatives`).

The runtime copies the jar the image runs (`java -jar target/app.jar`: the same path, so the
command stays as written; a glob such as `target/*.jar` is copied into its folder), or the
whole output folder (`target`, `build/libs`) when the command names no jar.
"""

from __future__ import annotations

import posixpath

from msb_lsp.images.families import runtime_alternatives
from msb_lsp.refactor.ecosystems import Item, Plan, StageContext, gen, join, relative
from msb_lsp.rules._shell import Command
from msb_lsp.rules.build_in_single_stage import build_words

MAVEN = frozenset({"mvn", "mvnw"})
GRADLE = frozenset({"gradle", "gradlew"})


def is_build(cmd: Command) -> bool:
    return cmd.name in MAVEN | GRADLE and build_words(cmd) > 0


def build_only(name: str) -> bool:
    return name.startswith(("MAVEN_", "GRADLE_"))


def jar_of(argv: list[str]) -> str | None:
    for i, word in enumerate(argv):
        if word == "-jar" and i + 1 < len(argv):
            return argv[i + 1]
    return None


def plan(ctx: StageContext) -> Plan | None:
    found = ctx.find_last_command(is_build)
    if found is None or ctx.base is None:
        return None
    chunk, cmd = found
    tool = "Maven" if cmd.name in MAVEN else "Gradle"
    output = join(chunk.workdir, "target" if tool == "Maven" else "build/libs")
    runtime_wd = ctx.final_workdir()
    jar = jar_of(ctx.argv())
    style = ctx.style
    if jar is not None and "$" not in jar:
        path = join(runtime_wd, jar)
        if any(ch in jar for ch in "*?["):
            dest = relative(posixpath.dirname(path), runtime_wd) + "/"
        else:
            dest = relative(path, runtime_wd)
        source = path
    else:
        source, dest = output, relative(output, runtime_wd)
    steps: list[Item] = [gen(style.line("COPY", f"--from={ctx.builder} {source} {dest}"))]
    ref = ctx.base.ref
    alternatives = runtime_alternatives(ref, ctx.catalog) if ref is not None else []
    image = alternatives[0] if alternatives else ctx.base.text
    return Plan(
        label=f"Java ({tool})",
        builder=ctx.builder_items(build_only),
        runtime_base=image,
        steps=steps,
        user="nobody",
        build_only_env=build_only,
    )
