"""`--target` on build command lines: shell scripts, Makefiles and workflow `run:` steps.

Recognized commands: `docker build`, `docker image build`, `docker builder build`,
`docker buildx build` (and its alias `b`), `podman build`, `podman image build`,
`podman buildx build`, `buildah bud` / `build` / `build-using-dockerfile`, `nerdctl build`,
also behind `sudo`, `env`, `time`, `exec`, variable assignments and `$(DOCKER)`-style
variables whose name mentions docker, podman, buildah, nerdctl, container or engine.

Words are read the way a POSIX shell splits them: quotes, backslash escapes, `\\` line
continuations, comments, `;` `&&` `||` `|` separators, redirections and here-documents (whose
bodies are skipped). A value that contains an expansion (`$T`, `${T}`, `$(cmd)`, make's
`$(T)`) is *dynamic*: it is reported but never checked.

Paths: `-f` is relative to the working folder, as docker resolves it, and so is the context
argument; the Dockerfile defaults to `<context>/Dockerfile` (podman and buildah look for
`Containerfile` first). A script's working folder is unknown, so the script's own folder is
used; a Makefile's recipes run in the Makefile's folder; a workflow step runs in the
repository root or its `working-directory`. podman and buildah also accept a relative `-f`
that only exists under the context.

One deliberate difference from docker's flag parser: `--target` followed by another option
(`--target -f x`) is read as a target still to be written, not as the target `-f`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from msb_lsp.model.source import Source
from msb_lsp.model.span import Pos, Span
from msb_lsp.targets.ref import TargetRef, is_remote, join

# -- virtual text: the pieces of a document that hold shell code, joined ------------------


@dataclass(frozen=True, slots=True)
class Piece:
    """Shell text taken from a document: it starts at (line, col) there."""

    line: int
    col: int
    text: str


class _Text:
    """The pieces joined with a separator, with offsets mapped back to document positions."""

    def __init__(self, pieces: Sequence[Piece], joiner: str = "\n") -> None:
        self.pieces = list(pieces)
        chunks: list[str] = []
        self.starts: list[int] = []
        offset = 0
        for n, piece in enumerate(self.pieces):
            if n:
                chunks.append(joiner)
                offset += len(joiner)
            self.starts.append(offset)
            chunks.append(piece.text)
            offset += len(piece.text)
        self.text = "".join(chunks)

    def pos(self, offset: int) -> Pos:
        if not self.pieces:
            return Pos(0, 0)
        n = max(0, bisect.bisect_right(self.starts, offset) - 1)
        piece = self.pieces[n]
        col = min(offset - self.starts[n], len(piece.text))
        return Pos(piece.line, piece.col + col)

    def span(self, start: int, end: int) -> Span:
        return Span(self.pos(start), self.pos(end))


# -- words ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Char:
    ch: str
    offset: int
    quoted: bool
    dynamic: bool


@dataclass(slots=True)
class _Word:
    start: int
    end: int = 0
    chars: list[_Char] = field(default_factory=list)
    empty_quotes: list[int] = field(default_factory=list)  # offsets inside `""` / `''`

    @property
    def text(self) -> str:
        return "".join(c.ch for c in self.chars)

    @property
    def dynamic(self) -> bool:
        return any(c.dynamic for c in self.chars)

    def unquoted_prefix(self, prefix: str) -> bool:
        chars = self.chars[: len(prefix)]
        return len(chars) == len(prefix) and all(
            c.ch == p and not c.quoted for c, p in zip(chars, prefix, strict=True)
        )


_PLAIN_RUN = re.compile(r"[^\s\\'\"$`;&|()<>#]+")
SEP = "sep"  # a command separator
REDIRECT = "redirect"


@dataclass(slots=True)
class _Op:
    kind: str
    text: str


_Token = _Word | _Op


class _Lexer:
    """POSIX shell word splitting (or a Makefile recipe's, where `$(x)` is make's)."""

    def __init__(self, text: str, make: bool = False) -> None:
        self.t = text
        self.make = make
        self.tokens: list[_Token] = []
        self.word: _Word | None = None
        self.heredocs: list[tuple[str, bool]] = []  # (delimiter, strip tabs)
        self.expect_heredoc = False

    def run(self) -> list[_Token]:
        t = self.t
        n = len(t)
        i = 0
        while i < n:
            ch = t[i]
            if ch == "\\":
                if t.startswith("\\\n", i):
                    i += 2  # line continuation: as if the two characters were not there
                    continue
                if i + 1 < n:
                    self.open_word(i)
                    self.add(t[i + 1], i + 1, quoted=True)
                i += 2
            elif ch in " \t\r":
                self.flush()
                i += 1
            elif ch == "\n":
                self.flush()
                self.tokens.append(_Op(SEP, "\n"))
                i = self.skip_heredoc_bodies(i + 1)
            elif ch == "#" and self.word is None:
                while i < n and t[i] != "\n":
                    i += 1
            elif ch == "'":
                i = self.single_quoted(i)
            elif ch == '"':
                i = self.double_quoted(i)
            elif ch == "$":
                i = self.expansion(i, quoted=False)
            elif ch == "`":
                i = self.backquoted(i, quoted=False)
            elif ch == "&" and t.startswith("&>", i):
                self.flush()
                i = self.redirect(i + 1)
            elif ch in ";&|()":
                self.flush()
                j = i + 1
                while j < n and t[j] in ";&|" and j - i < 2:
                    j += 1
                self.tokens.append(_Op(SEP, t[i:j]))
                i = j
            elif ch in "<>":
                if self.word is not None and self.word.text.isdigit():
                    self.word = None  # a file descriptor number: `2>`
                self.flush()
                i = self.redirect(i)
            else:
                m = _PLAIN_RUN.match(t, i)
                end = m.end() if m is not None else i + 1
                word = self.open_word(i)
                word.chars.extend(_Char(t[k], k, False, False) for k in range(i, end))
                word.end = end
                i = end
        self.flush()
        return self.tokens

    def add(self, ch: str, offset: int, quoted: bool, dynamic: bool = False) -> None:
        if self.word is None:
            self.word = _Word(start=offset)
        self.word.chars.append(_Char(ch, offset, quoted, dynamic))
        self.word.end = offset + 1

    def open_word(self, offset: int) -> _Word:
        if self.word is None:
            self.word = _Word(start=offset)
        return self.word

    def flush(self) -> None:
        word = self.word
        if word is None:
            return
        self.word = None
        if self.expect_heredoc:
            self.expect_heredoc = False
            strip = self.tokens[-1].text.endswith("-") if self.tokens else False
            self.heredocs.append((word.text, strip))
        self.tokens.append(word)

    def redirect(self, i: int) -> int:
        t = self.t
        j = i + 1
        while j < len(t) and t[j] in "<>&|-" and j - i < 3:
            j += 1
        op = t[i:j]
        self.tokens.append(_Op(REDIRECT, op))
        if op in ("<<", "<<-"):
            self.expect_heredoc = True
        return j

    def skip_heredoc_bodies(self, i: int) -> int:
        t = self.t
        while self.heredocs:
            delimiter, strip = self.heredocs.pop(0)
            while i < len(t):
                end = t.find("\n", i)
                line = t[i : end if end >= 0 else len(t)]
                i = end + 1 if end >= 0 else len(t)
                if (line.lstrip("\t") if strip else line).rstrip("\r") == delimiter:
                    break
        return i

    def single_quoted(self, i: int) -> int:
        t = self.t
        word = self.open_word(i)
        end = t.find("'", i + 1)
        stop = end if end >= 0 else _line_end(t, i + 1)
        if stop == i + 1:
            word.empty_quotes.append(i + 1)
        for k in range(i + 1, stop):
            self.add(t[k], k, quoted=True)
        word.end = stop + 1 if end >= 0 else stop
        return word.end

    def double_quoted(self, i: int) -> int:
        t = self.t
        word = self.open_word(i)
        k = i + 1
        if k < len(t) and t[k] == '"':
            word.empty_quotes.append(k)
        while k < len(t) and t[k] != '"':
            ch = t[k]
            if ch == "\\" and k + 1 < len(t):
                if t[k + 1] == "\n":
                    k += 2
                    continue
                if t[k + 1] in '$`"\\':
                    self.add(t[k + 1], k + 1, quoted=True)
                    k += 2
                    continue
            if ch == "$":
                k = self.expansion(k, quoted=True)
                continue
            if ch == "`":
                k = self.backquoted(k, quoted=True)
                continue
            if ch == "\n" and _unterminated(t, k):
                break
            self.add(ch, k, quoted=True)
            k += 1
        word.end = k + 1 if k < len(t) and t[k] == '"' else k
        return word.end

    def backquoted(self, i: int, quoted: bool) -> int:
        t = self.t
        k = i + 1
        while k < len(t) and t[k] != "`":
            k += 2 if t[k] == "\\" else 1
        end = min(k + 1, len(t))
        for m in range(i, end):
            self.add(t[m], m, quoted, dynamic=True)
        return end

    def expansion(self, i: int, quoted: bool) -> int:
        """`$...` at offset i: every character of it is marked dynamic."""
        end = _expansion_end(self.t, i, self.make)
        if end == i + 1 and not self.make:
            self.add("$", i, quoted)  # a lone `$` is a literal dollar
            return end
        for m in range(i, end):
            self.add(self.t[m], m, quoted, dynamic=True)
        return end


def _line_end(t: str, i: int) -> int:
    end = t.find("\n", i)
    return end if end >= 0 else len(t)


def _unterminated(t: str, k: int) -> bool:
    """A double quote still open at a line break with no quote anywhere after it: read as being
    typed (it ends at its line) rather than as a string that never ends."""
    return t.find('"', k) < 0


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expansion_end(t: str, i: int, make: bool) -> int:
    n = len(t)
    if i + 1 >= n:
        return i + 1
    nxt = t[i + 1]
    if make and nxt == "$":  # `$$` in a recipe is the shell's `$`
        return _expansion_end(t, i + 1, False) if i + 2 < n else i + 2
    if nxt in "({":
        close = ")" if nxt == "(" else "}"
        depth = 0
        k = i + 1
        while k < n:
            ch = t[k]
            if ch == nxt:
                depth += 1
            elif ch == close:
                depth -= 1
                if depth == 0:
                    return k + 1
            elif ch in "'\"" and not make:
                end = t.find(ch, k + 1)
                k = end if end >= 0 else n
            elif ch == "\\":
                k += 1
            k += 1
        return n
    if make:
        return i + 2  # `$X`: a one-letter make variable
    m = _NAME.match(t, i + 1)
    if m:
        return m.end()
    if nxt in "0123456789@*#?$!-":
        return i + 2
    return i + 1


# -- commands -------------------------------------------------------------------------------

_PREFIX_WORDS = {
    "if", "then", "else", "elif", "do", "while", "until", "!", "{", "time", "exec",
    "command", "nohup", "builtin", "eval", "xargs",
}  # fmt: skip
_SUDO_VALUE = {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T"}
_ENV_VALUE = {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\+?=")
_TOOLS = {"docker", "podman", "buildah", "nerdctl"}
_ENGINE_VARIABLE = re.compile(r"docker|podman|buildah|nerdctl|container|engine", re.IGNORECASE)
_VARIABLE_NAME = re.compile(r"\$[({]?([A-Za-z_][A-Za-z0-9_]*)")

_GLOBAL_VALUE = {
    "-c", "--context", "-H", "--host", "--config", "-l", "--log-level", "--tlscacert",
    "--tlscert", "--tlskey", "--connection", "--url", "--identity", "--root", "--runroot",
    "--runtime", "--storage-driver", "--storage-opt", "--cgroup-manager", "--conmon",
    "--events-backend", "--hooks-dir", "--imagestore", "--module", "--network-cmd-path",
    "--network-config-dir", "--out", "--ssh", "--tmpdir", "--volumepath", "--registries-conf",
    "--registries-conf-dir", "--userns-uid-map", "--userns-gid-map", "-n", "--namespace",
    "-a", "--address", "--snapshotter", "--cni-path", "--cni-netconfpath", "--data-root",
    "--hosts-dir", "--builder",
}  # fmt: skip
_BUILD_VALUE_LONG = {
    "add-host", "allow", "annotation", "arch", "attest", "authfile", "build-arg",
    "build-arg-file", "build-context", "builder", "cache-from", "cache-to", "cache-ttl",
    "call", "cap-add", "cap-drop", "cert-dir", "cgroup-parent", "cgroupns", "cpu-period",
    "cpu-quota", "cpu-shares", "cpuset-cpus", "cpuset-mems", "creds", "cw", "decryption-key",
    "device", "dns", "dns-option", "dns-search", "env", "file", "format", "from", "group-add",
    "hooks-dir", "iidfile", "ignorefile", "ipc", "isolation", "jobs", "label", "layer-label",
    "logfile", "manifest", "memory", "memory-swap", "metadata-file", "network", "os",
    "os-feature", "os-version", "output", "pid", "platform", "progress", "retry",
    "retry-delay", "runtime", "runtime-flag", "sbom", "secret", "security-opt", "shm-size",
    "sign-by", "signature-policy", "source-date-epoch", "ssh", "tag", "target", "timestamp",
    "ulimit", "unsetenv", "unsetlabel", "userns", "userns-gid-map", "userns-gid-map-group",
    "userns-uid-map", "userns-uid-map-user", "uts", "variant", "volume", "provenance",
}  # fmt: skip
_BUILD_VALUE_SHORT = set("ftomcv")


@dataclass(slots=True)
class _Value:
    text: str
    span: Span
    dynamic: bool
    quoted: bool


@dataclass(frozen=True, slots=True)
class BuildCommand:
    """A build command line as far as targets care."""

    tool: str  # docker, podman, buildah, nerdctl; `engine` for `$(DOCKER) build`
    label: str  # as written: `docker buildx build`
    targets: tuple[tuple[str, Span, bool], ...]  # (value, span, dynamic)
    file: tuple[str, Span, bool] | None  # -f value
    context: tuple[str, Span, bool] | None  # the context argument


def build_commands(
    pieces: Sequence[Piece], joiner: str = "\n", make: bool = False
) -> list[BuildCommand]:
    """Every build command with a `--target` in the shell text made of `pieces`."""
    vt = _Text(pieces, joiner)
    if "--target" not in vt.text:
        return []  # only commands with a target are reported: no need to read the others
    tokens = _Lexer(vt.text, make).run()
    found: list[BuildCommand] = []
    words: list[_Word] = []
    skip_next = False
    for token in [*tokens, _Op(SEP, "")]:
        if isinstance(token, _Op):
            if token.kind == REDIRECT:
                skip_next = True
                continue
            if words:
                command = _command(words, vt)
                if command is not None:
                    found.append(command)
            words = []
            skip_next = False
            continue
        if skip_next:
            skip_next = False
            continue
        words.append(token)
    return found


def _skip_prefixes(words: list[_Word]) -> int:
    i = 0
    while i < len(words):
        w = words[i]
        text = w.text
        if (_ASSIGNMENT.match(text) and not w.chars[0].quoted) or text in _PREFIX_WORDS:
            i += 1
        elif text in ("sudo", "doas", "env", "nice", "timeout", "stdbuf", "ionice"):
            i += 1
            values = {"sudo": _SUDO_VALUE, "doas": {"-u", "-C"}, "env": _ENV_VALUE}.get(
                text, {"-n", "-c", "-s", "-k", "-i", "-o", "-e"}
            )
            while i < len(words) and (
                words[i].text.startswith("-")
                or (text == "env" and _ASSIGNMENT.match(words[i].text))
            ):
                if words[i].text == "--":
                    i += 1
                    break
                i += 2 if words[i].text in values else 1
            if text == "timeout" and i < len(words):
                i += 1  # the duration
        else:
            break
    return i


def _tool(word: _Word) -> str | None:
    text = word.text
    if word.dynamic:
        raw = "".join(c.ch for c in word.chars)
        m = _VARIABLE_NAME.match(raw)
        if m and len(raw) <= m.end() + 1 and _ENGINE_VARIABLE.search(m.group(1)):
            return "engine"
        return None
    name = text.replace("\\", "/").rsplit("/", 1)[-1]
    if name.endswith(".exe"):
        name = name[:-4]
    return name if name in _TOOLS else None


def _skip_globals(words: list[_Word], i: int) -> int:
    while i < len(words) and words[i].text.startswith("-") and words[i].text != "-":
        text = words[i].text
        i += 1 if "=" in text or text not in _GLOBAL_VALUE else 2
    return i


def _subcommand(tool: str, words: list[_Word], i: int) -> int | None:
    """The index of the first build option after the (sub)command words, or None."""

    def word(k: int) -> str:
        return words[k].text if k < len(words) else ""

    i = _skip_globals(words, i)
    first = word(i)
    if tool == "buildah":
        return i + 1 if first in ("bud", "build", "build-using-dockerfile") else None
    if first == "build":
        return i + 1
    if first in ("image", "builder") and word(i + 1) == "build":
        return i + 2
    if first == "buildx" and tool in ("docker", "podman", "engine"):
        k = _skip_globals(words, i + 1)
        if word(k) in ("build", "b"):
            return k + 1
    return None


def _value_of(word: _Word, chars: list[_Char], after: int, vt: _Text) -> _Value:
    """The value made of `chars` (a part of `word`); `after` is where an empty one goes."""
    text = "".join(c.ch for c in chars)
    dynamic = any(c.dynamic for c in chars)
    if chars:
        span = vt.span(chars[0].offset, chars[-1].offset + 1)
    else:
        inside = [q for q in word.empty_quotes if q >= after]
        at = inside[0] if inside else after
        span = vt.span(at, at)
    quoted = bool(chars) and all(c.quoted for c in chars)
    return _Value(text, span, dynamic, quoted)


def _missing(word: _Word, vt: _Text) -> _Value:
    """A value not written yet after `word`: the blank that follows it."""
    t = vt.text
    start = word.end
    end = start
    while end < len(t) and t[end] in " \t":
        end += 1
    if end > start:
        start += 1
    return _Value("", vt.span(start, end), False, False)


def _command(words: list[_Word], vt: _Text) -> BuildCommand | None:
    i = _skip_prefixes(words)
    if i >= len(words):
        return None
    tool = _tool(words[i])
    if tool is None:
        return None
    start = i
    i = _subcommand(tool, words, i + 1)
    if i is None:
        return None
    label = " ".join(w.text for w in words[start:i])
    targets: list[tuple[str, Span, bool]] = []
    file: tuple[str, Span, bool] | None = None
    positional: list[_Value] = []
    options_done = False
    while i < len(words):
        w = words[i]
        text = w.text
        i += 1
        if options_done or not w.unquoted_prefix("-") or text == "-":
            positional.append(_value_of(w, w.chars, w.start, vt))
            continue
        if text == "--":
            options_done = True
            continue
        value: _Value | None = None
        name: str
        if w.unquoted_prefix("--"):
            eq = next((k for k, c in enumerate(w.chars) if c.ch == "=" and not c.quoted), None)
            name = "".join(c.ch for c in w.chars[2:eq]) if eq is not None else text[2:]
            if eq is not None:
                value = _value_of(w, w.chars[eq + 1 :], w.chars[eq].offset + 1, vt)
            elif name in _BUILD_VALUE_LONG:
                value, i = _next_value(words, i, w, vt)
        else:
            name = ""
            for k in range(1, len(w.chars)):
                letter = w.chars[k].ch
                if letter in _BUILD_VALUE_SHORT:
                    name = {"f": "file", "t": "tag"}.get(letter, letter)
                    rest = w.chars[k + 1 :]
                    if rest and rest[0].ch == "=" and not rest[0].quoted:
                        rest = rest[1:]
                    if rest or k + 1 < len(w.chars):
                        value = _value_of(w, rest, w.chars[k].offset + 1, vt)
                    else:
                        value, i = _next_value(words, i, w, vt)
                    break
        if value is None:
            continue
        if name == "target":
            targets.append((value.text, value.span, value.dynamic))
        elif name == "file" and file is None:
            file = (value.text, value.span, value.dynamic)
    if not targets:
        return None
    context = positional[-1] if positional else None
    return BuildCommand(
        tool=tool,
        label=label,
        targets=tuple(targets),
        file=file,
        context=(context.text, context.span, context.dynamic) if context else None,
    )


def _next_value(words: list[_Word], i: int, flag: _Word, vt: _Text) -> tuple[_Value, int]:
    if i < len(words) and not (words[i].unquoted_prefix("-") and words[i].text != "-"):
        w = words[i]
        return _value_of(w, w.chars, w.start, vt), i + 1
    return _missing(flag, vt), i


# -- from commands to target references -------------------------------------------------------


def command_targets(
    pieces: Sequence[Piece],
    cwd: Path | None,
    joiner: str = "\n",
    make: bool = False,
    cwd_unknown: str | None = None,
) -> list[TargetRef]:
    """Target references of the build commands in `pieces`, run from the folder `cwd`."""
    refs: list[TargetRef] = []
    for command in build_commands(pieces, joiner, make):
        dockerfile, context_path, reason = _dockerfile(command, cwd, cwd_unknown)
        for value, span, dynamic in command.targets:
            refs.append(
                TargetRef(
                    value=value,
                    span=span,
                    dockerfile=dockerfile,
                    context=context_path,
                    context_span=command.context[1] if command.context else None,
                    file_span=command.file[1] if command.file else None,
                    origin=command.label,
                    dynamic=dynamic,
                    unresolved=reason,
                )
            )
    return refs


def _default_names(tool: str) -> tuple[str, ...]:
    if tool in ("podman", "buildah"):
        return ("Containerfile", "Dockerfile")
    if tool == "engine":
        return ("Dockerfile", "Containerfile")
    return ("Dockerfile",)


def _dockerfile(
    command: BuildCommand, cwd: Path | None, cwd_unknown: str | None
) -> tuple[Path | None, Path | None, str | None]:
    """(Dockerfile, context folder, why the Dockerfile is unknown)."""
    no_cwd = cwd_unknown or "the document is not a saved file"
    context_path: Path | None = None
    context_reason: str | None = None
    if command.context is None:
        if command.tool in ("podman", "buildah"):  # they build the current folder
            context_path = cwd
            if cwd is None:
                context_reason = no_cwd
        else:  # docker refuses to build without one
            return None, None, "the command names no build context"
    else:
        text, _, dynamic = command.context
        if dynamic:
            context_reason = "the build context depends on a variable"
        elif text == "-":
            context_reason = "the Dockerfile is read from standard input"
        elif is_remote(text):
            context_reason = "the build context is remote"
        else:
            context_path = join(cwd, text)
            if context_path is None:
                context_reason = no_cwd
    if command.file is not None:
        text, _, dynamic = command.file
        if dynamic:
            return None, context_path, "the Dockerfile path depends on a variable"
        if text == "-":
            return None, context_path, "the Dockerfile is read from standard input"
        if context_reason == "the build context is remote":
            return None, None, context_reason
        path = join(cwd, text)
        podman = command.tool in ("podman", "buildah")
        if podman and context_path is not None and (path is None or not path.exists()):
            inside = join(context_path, text)
            if inside is not None and inside.exists():
                path = inside
        if path is None:
            return None, context_path, no_cwd
        return path, context_path, None
    if context_path is None:
        return None, None, context_reason
    for name in _default_names(command.tool):
        if (context_path / name).is_file():
            return context_path / name, context_path, None
    return context_path / "Dockerfile", context_path, None


# -- documents ----------------------------------------------------------------------------


def script_targets(text: str, path: Path | None) -> list[TargetRef]:
    """A shell script: run from its own folder (the real working folder is unknown)."""
    src = Source(text)
    pieces = [Piece(n, 0, line) for n, line in enumerate(src.lines)]
    if pieces and pieces[0].text.startswith("\ufeff"):
        pieces[0] = Piece(0, 1, pieces[0].text[1:])
    return command_targets(pieces, path.parent if path else None)


_MAKE_ASSIGN = re.compile(r"^\s*(?:export\s+|override\s+)?[^\s:#=]+\s*(?:::=|:::=|:=|\?=|\+=|!=|=)")
_MAKE_RULE = re.compile(r"^[^\t#=]*?:(?!=)[^;=]*;")


def makefile_pieces(text: str) -> list[Piece]:
    """The shell code of a Makefile: recipe lines (without the tab and `@-+` prefixes),
    the values of variables (`BUILD = docker build ...`), `define` bodies and `rule: ; cmd`."""
    src = Source(text)
    lines = src.lines
    pieces: list[Piece] = []
    in_define = False
    continued: str | None = None  # the kind of the logical line a `\` continues
    for n, line in enumerate(lines):
        if n == 0 and line.startswith("\ufeff"):
            line = " " + line[1:]
        kind = continued
        col = 0
        if kind is not None:
            if kind == "recipe" and line.startswith("\t"):
                col = 1
        elif in_define:
            if line.strip() in ("endef",) or line.strip().startswith("endef "):
                in_define = False
                kind = "skip"
            else:
                kind = "recipe"
                col = len(line) - len(line.lstrip("\t@-+ ")) if line.startswith("\t") else 0
        elif line.startswith("\t"):
            kind = "recipe"
            col = len(line) - len(line.lstrip("\t@-+ "))
        elif re.match(r"^\s*(?:override\s+|export\s+)?define\b", line):
            in_define = True
            kind = "skip"
        elif (m := _MAKE_ASSIGN.match(line)) or (m := _MAKE_RULE.match(line)):
            kind = "recipe"
            col = m.end()
        else:
            kind = "skip"
        body = line[col:] if kind == "recipe" else ""
        pieces.append(Piece(n, col, body))
        continued = kind if line.endswith("\\") and not line.endswith("\\\\") else None
    return pieces


def makefile_targets(text: str, path: Path | None) -> list[TargetRef]:
    """A Makefile: recipes run in the Makefile's folder (make's default working folder)."""
    return command_targets(makefile_pieces(text), path.parent if path else None, make=True)
