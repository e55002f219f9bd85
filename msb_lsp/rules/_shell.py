"""The simple commands of a RUN instruction, each word with its exact span.

Used by the final-image rules (MSB2xx) to find `apt-get update`, `pip install`, `go build`
and the like. This is a small POSIX-sh word splitter, not a shell: it knows quotes, escapes,
the list and pipe operators, redirections, comments, `$(...)` and backquotes (kept inside
their word), the reserved words that start or end compound commands, and a few command
wrappers (`env`, `sudo`, ...). Exec-form RUNs give one command; a heredoc body is read as a
script when the RUN feeds it to a shell.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from msb_lsp.model.dockerfile import Dockerfile
from msb_lsp.model.lexer import LogicalLine, read_logical_line
from msb_lsp.model.nodes import Heredoc, Instruction
from msb_lsp.model.span import Pos, Span
from msb_lsp.rules.base import Edit

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
# Reserved words that put a command after them (`then apt-get ...`) or close a compound.
_LEADING_WORDS = frozenset({"if", "then", "else", "elif", "do", "while", "until", "!", "{", "time"})
_CLOSING_WORDS = frozenset({"fi", "done", "esac", "}"})
_SKIPPED_COMMANDS = frozenset({"for", "case", "select", "function"})
_WRAPPERS = frozenset({"sudo", "exec", "command", "nohup", "eatmydata", "nice", "env"})
_SUDO_VALUE_FLAGS = frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"})


@dataclass(frozen=True, slots=True)
class Token:
    """A shell word: `value` with quotes and escapes removed, `raw` as written."""

    value: str
    raw: str
    span: Span


@dataclass(slots=True)
class Command:
    """One simple command: `words` is the argv (after assignments and wrappers)."""

    words: list[Token]
    assignments: list[Token] = field(default_factory=list)
    wrappers: list[Token] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The program's base name: `/usr/bin/apt-get` gives `apt-get`."""
        return self.words[0].value.rsplit("/", 1)[-1] if self.words else ""

    @property
    def args(self) -> list[Token]:
        return self.words[1:]

    def values(self) -> list[str]:
        return [w.value for w in self.words]

    def positional(self, start: int = 1) -> list[Token]:
        """Arguments from `start` on that are not options."""
        return [w for w in self.words[start:] if not w.value.startswith("-")]

    def subcommand(self, value_flags: Iterable[str] = ()) -> Token | None:
        """The first argument that is not an option nor the value of one of `value_flags`."""
        takes_value = set(value_flags)
        skip = False
        for w in self.words[1:]:
            if skip:
                skip = False
                continue
            if w.value.startswith("-"):
                skip = w.value in takes_value
                continue
            return w
        return None

    def has_option(self, *names: str) -> bool:
        """`--name` or `--name=value` among the arguments."""
        return any(self.option(n) is not None for n in names)

    def option(self, name: str) -> Token | None:
        for w in self.words[1:]:
            if w.value == name or w.value.startswith(name + "="):
                return w
        return None

    def assigned(self, name: str) -> str | None:
        """The value given to `name` by a prefix assignment or `env NAME=value`."""
        found = None
        for a in self.assignments:
            key, _, value = a.value.partition("=")
            if key == name:
                found = value
        return found

    def span(self, first: int = 0, last: int | None = None) -> Span:
        """From word `first` to word `last` (inclusive; default: the last word)."""
        end = self.words[-1 if last is None else last]
        return Span(self.words[first].span.start, end.span.end)

    def word_index(self, token: Token) -> int:
        for i, w in enumerate(self.words):
            if w is token:
                return i
        raise ValueError("token is not a word of this command")


@dataclass(slots=True)
class Script:
    """The commands of one RUN and what the edits of a fix need to know about its text."""

    commands: list[Command]
    exec_form: bool = False
    heredoc: bool = False  # the commands come from a heredoc body
    end: Pos | None = None  # where text can be appended to the shell-form command line
    tail: str = ""  # the last operator or `#` comment that ends the command line, if any


def _word_end(text: str, i: int) -> int:
    """End offset of the shell word starting at `i`."""
    n = len(text)
    depth = 0  # `$(` nesting
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = text.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            continue
        if c == "`":
            j = i + 1
            while j < n and text[j] != "`":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "$" and text.startswith("$(", i):
            depth += 1
            i += 2
            continue
        if depth:
            if c == ")":
                depth -= 1
            i += 1
            continue
        if c in " \t\r\n\v\f;&|()<>":
            break
        i += 1
    return min(i, n)


def _unquote(raw: str) -> str:
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "\\":
            if i + 1 < n and raw[i + 1] != "\n":
                out.append(raw[i + 1])
            i += 2
        elif c == "'":
            j = raw.find("'", i + 1)
            j = n if j < 0 else j
            out.append(raw[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and raw[i] != '"':
                if raw[i] == "\\" and i + 1 < n and raw[i + 1] in '"\\$`':
                    out.append(raw[i + 1])
                    i += 2
                else:
                    out.append(raw[i])
                    i += 1
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


_REDIRECT = re.compile(r"\d*(?:<<-?|<<<|<>|>>|>&|<&|>\||[<>])")


def split_commands(
    text: str, start: Callable[[int], Pos], end: Callable[[int], Pos]
) -> tuple[list[Command], str]:
    """The simple commands of `text`; `start`/`end` map offsets to positions.

    Also returns the operator (`;`, `&&`, `|`, ...) or `#` comment that ends the text, or "".
    """
    commands: list[Command] = []
    words: list[Token] = []
    tail = ""
    i, n = 0, len(text)

    def flush() -> None:
        if words:
            commands.append(Command(list(words)))
            words.clear()

    while i < n:
        c = text[i]
        if c in " \t\r\v\f":
            i += 1
            continue
        if c == "\\" and text.startswith("\\\n", i):
            i += 2
            continue
        if c == "\n":
            flush()
            tail = ""
            i += 1
            continue
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            tail = "#"
            i = j
            continue
        m = _REDIRECT.match(text, i)
        if m is not None:
            i = m.end()
            while i < n and text[i] in " \t":
                i += 1
            if i < n and text[i] not in "\n;&|()":
                i = _word_end(text, i)  # the redirection target is not an argument
            tail = ""
            continue
        if c in ";&|()":
            op = text[i : i + 2] if text[i : i + 2] in ("&&", "||", ";;", "|&") else c
            flush()
            tail = op
            i += len(op)
            continue
        j = _word_end(text, i)
        if j == i:
            i += 1
            continue
        raw = text[i:j]
        words.append(Token(_unquote(raw), raw, Span(start(i), end(j))))
        tail = ""
        i = j
    flush()
    return [c for c in (_shape(c) for c in commands) if c is not None], tail


def _shape(cmd: Command) -> Command | None:
    """Drop reserved words, split off assignments and wrappers; None if nothing is run."""
    words = cmd.words
    while words and words[0].raw in _LEADING_WORDS:
        words = words[1:]
    if not words or words[0].raw in _CLOSING_WORDS or words[0].raw in _SKIPPED_COMMANDS:
        return None
    assignments: list[Token] = []
    wrappers: list[Token] = []
    i = 0
    while i < len(words):
        w = words[i]
        if _ASSIGNMENT.match(w.value):
            assignments.append(w)
            i += 1
            continue
        name = w.value.rsplit("/", 1)[-1]
        if name not in _WRAPPERS or i + 1 >= len(words):
            break
        wrappers.append(w)
        i += 1
        # Options of the wrapper itself (`sudo -u app`, `env -i`, `nice -n 5`).
        while i < len(words) and words[i].value.startswith("-") and words[i].value != "--":
            flag = words[i].value
            i += 1
            if (name == "sudo" and flag in _SUDO_VALUE_FLAGS) or (
                name in ("nice", "env") and flag in ("-n", "-u", "-C")
            ):
                i += 1
        if i < len(words) and words[i].value == "--":
            i += 1
    rest = words[i:]
    if not rest:
        return None if not assignments else Command([], assignments, wrappers)
    return Command(rest, assignments, wrappers)


def _logical_offsets(df: Dockerfile, instr: Instruction) -> tuple[str, int, LogicalLine] | None:
    """The instruction's logical line, and the offset of its arguments in it."""
    if instr.args_span is None:
        return None
    col0 = 1 if instr.start_line == 0 and df.source.has_bom else 0
    logical = read_logical_line(df.source.lines, instr.start_line, df.escape, col0)
    text = logical.text
    start = len(text.rstrip()) - len(instr.args_text)
    if start < 0 or text[start : start + len(instr.args_text)] != instr.args_text:
        return None
    return text, start, logical


def _is_shell_script_heredoc(instr: Instruction, args: list[Command]) -> bool:
    """`RUN <<EOF` and `RUN bash <<EOF` run their body as a script; `RUN python3 <<EOF`
    does not."""
    if not args:
        return True
    first = args[0]
    return len(args) == 1 and first.name in _SHELLS and len(first.words) <= 2


def _heredoc_commands(df: Dockerfile, doc: Heredoc) -> list[Command]:
    lines = doc.body_lines
    if not lines:
        return []
    texts = [df.source.lines[i] for i in lines]
    body = "\n".join(texts)
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1

    def at(offset: int) -> Pos:
        k = max(bisect.bisect_right(starts, offset) - 1, 0)
        return Pos(lines[k], offset - starts[k])

    def at_end(offset: int) -> Pos:
        k = max(bisect.bisect_left(starts, offset) - 1, 0) if offset > 0 else 0
        return Pos(lines[k], offset - starts[k])

    commands, _ = split_commands(body, at, at_end)
    return commands


def script(df: Dockerfile, instr: Instruction) -> Script:
    """The commands RUN `instr` executes, in order (shared, do not modify)."""
    # The result depends only on the instruction's text and where it starts, so several
    # rules (and several lint runs of an unchanged instruction) share one parse.
    # Instructions reused by incremental parsing are the same objects: look them up by
    # identity first (the entry keeps the instruction alive, so its id cannot be reused).
    # Incremental parsing may move a reused instruction to other lines: the start is part
    # of the check.
    start = instr.span.start
    run = _RUN.get()  # this lint run's parses (all of them, however many RUNs the file has)
    if run is not None:
        entry = run.get(id(instr))
        if entry is not None and entry[0] is instr and entry[1] == df.escape and entry[3] == start:
            return entry[2]
    by_id = _BY_ID.get(id(instr))
    if by_id is not None and by_id[0] is instr and by_id[1] == df.escape and by_id[3] == start:
        if run is not None:
            run[id(instr)] = by_id
        return by_id[2]
    key = (df.source.text_at(instr.span), instr.span.start, df.escape, instr.json)
    found = _CACHE.get(key)
    if found is None:
        found = _script(df, instr)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = found
    if len(_BY_ID) >= _CACHE_SIZE:
        _BY_ID.pop(next(iter(_BY_ID)))
    _BY_ID[id(instr)] = (instr, df.escape, found, start)
    if run is not None:
        run[id(instr)] = _BY_ID[id(instr)]
    return found


_Entry = tuple[Instruction, str, Script, Pos]
_CACHE: dict[tuple[str, Pos, str, bool], Script] = {}
_BY_ID: dict[int, _Entry] = {}
_CACHE_SIZE = 4096
# A file with more RUNs than the caches hold would make every rule parse every RUN again
# (each rule evicts what the previous one parsed): one lint run keeps all its parses here.
_RUN: ContextVar[dict[int, _Entry] | None] = ContextVar("msb_lsp_shell_parses", default=None)


@contextmanager
def shared_parses(store: dict[int, _Entry]) -> Iterator[None]:
    """Inside the block, `script()` keeps every parse in `store` (one lint run: every rule
    reads each RUN's commands once parsed)."""
    token = _RUN.set(store)
    try:
        yield
    finally:
        _RUN.reset(token)


def _script(df: Dockerfile, instr: Instruction) -> Script:
    if instr.json:
        words = [Token(w.value, w.text, w.span) for w in instr.args]
        shaped = _shape(Command(words)) if words else None
        return Script([shaped] if shaped is not None else [], exec_form=True)
    found = _logical_offsets(df, instr)
    if found is None:
        return Script([])
    text, start, logical = found
    args = text[start:]
    commands, tail = split_commands(
        args,
        lambda o: logical.pos_start(start + o),
        lambda o: logical.pos_end(start + o),
    )
    if instr.heredocs:
        if _is_shell_script_heredoc(instr, commands):
            body: list[Command] = []
            for doc in instr.heredocs:
                body += _heredoc_commands(df, doc)
            return Script(commands + body, heredoc=True)
        return Script(commands, heredoc=True)
    return Script(commands, end=instr.args_span.end if instr.args_span else None, tail=tail)


def append_edit(df: Dockerfile, instr: Instruction, command: str) -> Edit | None:
    """An edit that runs `command` after everything else of the shell-form RUN `instr`,
    only if it succeeded; None when the command line cannot be extended safely (exec form,
    heredoc, a trailing comment or an unfinished `&&`)."""
    s = script(df, instr)
    if s.exec_form or s.heredoc or s.end is None or not s.commands:
        return None
    if s.tail in ("", ")"):
        return Edit(Span(s.end, s.end), f" && {command}")
    if s.tail in (";", ";;"):
        return Edit(Span(s.end, s.end), f" {command}")
    return None


def mentions(df: Dockerfile, instr: Instruction, pattern: re.Pattern[str]) -> bool:
    """Whether the instruction's text (heredocs included) matches `pattern`."""
    return pattern.search(df.source.text_at(instr.span)) is not None


_INSTALL_VERBS = {
    "apt-get": ("install",),
    "apt": ("install",),
    "apk": ("add",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
}
_VALUE_OPTIONS = ("-o", "-c", "-t", "--virtual", "-t", "--repository", "-X")


def installed_packages(cmd: Command) -> list[str]:
    """Package names given to `apt-get install`, `apk add`, `dnf install`, ... (versions
    and architectures stripped); empty for other commands."""
    verbs = _INSTALL_VERBS.get(cmd.name)
    if verbs is None:
        return []
    sub = cmd.subcommand(_VALUE_OPTIONS)
    if sub is None or sub.value not in verbs:
        return []
    out = []
    skip = False
    for w in cmd.words[cmd.word_index(sub) + 1 :]:
        if skip:
            skip = False
            continue
        if w.value.startswith("-"):
            skip = w.value in _VALUE_OPTIONS
            continue
        out.append(re.split(r"[=<>~:]", w.value, maxsplit=1)[0])
    return out


def mount_targets(instr: Instruction) -> list[str]:
    """Targets of the RUN's cache and tmpfs mounts (what they hold stays out of the layer),
    without a trailing slash."""
    out = []
    for flag in instr.flags_named("mount"):
        kind = flag.option("type")
        if kind is None or kind.value not in ("cache", "tmpfs"):
            continue
        target = flag.option("target", "dst", "destination")
        if target is not None and target.value:
            out.append(target.value.rstrip("/") or "/")
    return out
